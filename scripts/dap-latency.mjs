// Measures the debug adapter's latency from request to `stopped` event (median of 100): `next` with
// granularity 'instruction', and `continue` to an instruction breakpoint 10^6 instructions ahead.
// The guest is a raw binary built here: a loop of 2 instructions run 500000 times, then the marker.
// Usage: npm run build && node scripts/dap-latency.mjs
import { createRequire } from 'node:module';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const words = [
  (122 << 12) | (6 << 7) | 0x37,                                   // lui  t1, 122        (499712)
  (288 << 20) | (6 << 15) | (6 << 7) | 0x13,                       // addi t1, t1, 288    (500000)
  (1 << 20) | (5 << 15) | (5 << 7) | 0x13,                         // loop: addi t0, t0, 1
  (1 << 31) | (0x3f << 25) | (6 << 20) | (5 << 15) | (4 << 12) | (0b1110 << 8) | (1 << 7) | 0x63, // blt t0, t1, loop
  (5 << 7) | 0x13,                                                 // marker: li t0, 0
  (1 << 31) | (0x3f8 << 21) | (1 << 20) | (0xff << 12) | 0x6f,     // j 0 (back to the start)
];
const bin = new Uint8Array(new Uint32Array(words.map((w) => w >>> 0)).buffer);
const dir = mkdtempSync(join(tmpdir(), 'hvscope-lat-'));
const kernel = join(dir, 'loop.bin');
writeFileSync(kernel, bin);
const MARKER = 0x80000010;

const dc = new DebugClient('node', 'dist/adapter.js', 'hvscope');
await dc.start();
await dc.initializeRequest();
const entry = dc.waitForEvent('stopped');
await dc.launch({ kernel, machine: 'bare', stopOnEntry: true });
await dc.send('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${MARKER.toString(16)}` }] });
await dc.configurationDoneRequest();
await entry;

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
async function timed(send) {
  const stopped = dc.waitForEvent('stopped', 60000);
  const t0 = performance.now();
  await send();
  await stopped;
  return performance.now() - t0;
}

// First continue reaches the marker from the entry; every further one runs exactly 10^6 + 2 instructions.
await timed(() => dc.continueRequest({ threadId: 1 }));
const cont = [];
for (let i = 0; i < 100; i++) cont.push(await timed(() => dc.continueRequest({ threadId: 1 })));
const next = [];
for (let i = 0; i < 100; i++) next.push(await timed(() => dc.nextRequest({ threadId: 1, granularity: 'instruction' })));
// Pause latency while running: continue with no breakpoint ahead, pause after 100 ms.
await dc.send('setInstructionBreakpoints', { breakpoints: [] });
const pause = [];
for (let i = 0; i < 20; i++) {
  await dc.continueRequest({ threadId: 1 });
  await new Promise((r) => setTimeout(r, 100));
  pause.push(await timed(() => dc.pauseRequest({ threadId: 1 })));
}
await dc.stop();
console.log(`next (granularity instruction): median ${median(next).toFixed(2)} ms over ${next.length}`);
console.log(`continue to a breakpoint 10^6 instructions ahead: median ${median(cont).toFixed(2)} ms over ${cont.length} (${(1e6 / median(cont) / 1000).toFixed(1)} MIPS end to end)`);
console.log(`pause while running: median ${median(pause).toFixed(2)} ms, max ${Math.max(...pause).toFixed(2)} ms over ${pause.length}`);
