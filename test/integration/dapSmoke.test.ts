// Smoke test of the debug adapter over DAP (dist/adapter.js, built by `npm run build`): launch the
// example guest on a bare machine, stop on entry, break at the `// #BP loop` line, read a0, run to the end.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';

const root = path.resolve(__dirname, '../..');
const adapter = path.join(root, 'dist/adapter.js');
const source = path.join(root, 'examples/hello/hello.c');
const kernel = path.join(root, 'examples/hello/hello.elf');

function markerLine(file: string, name: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => new RegExp(`//\\s*#BP ${name}\\b`).test(l));
  if (i < 0) throw new Error(`no #BP ${name} in ${file}`);
  return i + 1;
}

describe('debug adapter smoke (DAP)', function () {
  this.timeout(30_000);
  let dc: DebugClient;

  before(function () {
    if (!fs.existsSync(adapter)) { console.log(`skipping: ${adapter} does not exist (run npm run build)`); this.skip(); }
  });

  beforeEach(async () => {
    dc = new DebugClient('node', adapter, 'hvscope');
    await dc.start();
  });
  afterEach(async () => { await dc.stop(); });

  it('stops on entry, hits the #BP loop breakpoint, reads a0, runs to exit', async () => {
    const line = markerLine(source, 'loop');
    await dc.initializeRequest();
    const stoppedEntry = dc.waitForEvent('stopped');
    await dc.launch({ kernel, machine: 'bare', stopOnEntry: true } as never);
    const bp = await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line }] });
    assert.strictEqual(bp.body.breakpoints[0].verified, true);
    assert.strictEqual(bp.body.breakpoints[0].line, line);
    await dc.configurationDoneRequest();
    const e = await stoppedEntry;
    assert.strictEqual(e.body.reason, 'entry');

    const hit = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    const s = await hit;
    assert.strictEqual(s.body.reason, 'breakpoint');
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const top = st.body.stackFrames[0];
    assert.strictEqual(top.line, line);
    assert.strictEqual(path.basename(top.source!.path!), 'hello.c');
    assert.strictEqual(top.name, 'longest_chain');
    assert.ok(st.body.stackFrames.some((f) => f.name === 'main'), `main in ${st.body.stackFrames.map((f) => f.name).join(',')}`);

    const a0 = await dc.evaluateRequest({ expression: '$a0', context: 'repl', frameId: top.id });
    assert.match(a0.body.result, /^\d+ \(0x[0-9a-f]+\)$|^0x/);

    // Clear the breakpoint and run to the end: the guest powers off with status 0.
    await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    const x = await exited;
    assert.strictEqual(x.body.exitCode, 0);
  });

  it('names a wrong launch option in its error', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launch({ kernel: 'no/such/file.elf', machine: 'bare' } as never), /'kernel'.*file not found/);
  });
});
