// Shared by the DAP scenario tests (ARCHITECTURE.md §9, STYLE.md "DAP tests state whole scenarios
// with DebugClient"): the adapter under test (dist/adapter.js, built by `npm run build`), the guests
// of test/guests/dap with their `// #BP name` markers, and small steps every scenario repeats
// (launch with a configuration phase, wait for the next stop, read a register, evaluate).
// Not a test file itself: the *.test.ts files next to it import it.
import assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { parseElf64 } from '../../../src/elf/elf64';
import { HVSCOPE_REQUESTS } from '../../../src/protocol/requests';

export { HVSCOPE_REQUESTS };
export type { DebugProtocol };

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const adapterPath = join(repoRoot, 'dist', 'adapter.js');
export const dapGuestDir = join(repoRoot, 'test', 'guests', 'dap');

/** The guests (committed binaries) and their sources. */
export const GUESTS = {
  bare: { elf: join(dapGuestDir, 'bin', 'bare.elf'), source: join(dapGuestDir, 'bare.c') },
  bareO1: { elf: join(dapGuestDir, 'bin', 'bare-O1.elf'), source: join(dapGuestDir, 'bare.c') },
  vs: { elf: join(dapGuestDir, 'bin', 'vs.elf'), source: join(dapGuestDir, 'vs.c') },
  step: { elf: join(dapGuestDir, 'bin', 'step.elf'), source: join(dapGuestDir, 'step.S') },
  spin: { elf: join(dapGuestDir, 'bin', 'spin.elf'), source: join(dapGuestDir, 'spin.S') },
  start: { source: join(dapGuestDir, 'start.S') },
} as const;

/** Every scenario's own bound: the adapter boots tiny guests in well under a second. */
export const STOP_TIMEOUT_MS = 20_000;

// ------------------------------------------------------------------ markers

export interface Marker {
  /** Absolute path of the source file. */
  path: string;
  /** 1-based line of the marker. */
  line: number;
}

const markerCache = new Map<string, Map<string, number>>();

/** All `#BP name` markers of a source file (name → 1-based line). A name may appear once. */
export function markers(path: string): Map<string, number> {
  let m = markerCache.get(path);
  if (m) return m;
  m = new Map();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((text, i) => {
    const re = /#BP\s+([A-Za-z0-9_]+)/g;
    for (let hit = re.exec(text); hit; hit = re.exec(text)) {
      if (m!.has(hit[1])) throw new Error(`${path}: marker #BP ${hit[1]} appears twice (lines ${m!.get(hit[1])} and ${i + 1})`);
      m!.set(hit[1], i + 1);
    }
  });
  markerCache.set(path, m);
  return m;
}

/** The line of `// #BP name` in `path`; throws (a broken test) when the marker is missing. */
export function marker(path: string, name: string): Marker {
  const line = markers(path).get(name);
  if (line === undefined) throw new Error(`${path}: no marker '#BP ${name}'`);
  return { path, line };
}

// ------------------------------------------------------------------ symbols (from the ELF, the oracle)

const symCache = new Map<string, Map<string, bigint>>();

/** Address of an ELF symbol of `elf`, read with the project's ELF reader (independent of the adapter). */
export function symbolAddress(elf: string, name: string): bigint {
  let m = symCache.get(elf);
  if (!m) {
    const e = parseElf64(new Uint8Array(readFileSync(elf)));
    m = new Map();
    for (const s of ['_start', 'main', 'level1', 'level2', 'level3', 'trap_entry', 'trap_handler', 'handler', 'spin', 'counter', 'watched', 'take_traps', 'sbi_call', 'uart_puts']) {
      const sym = e.lookup(s);
      if (sym) m.set(s, sym.value);
    }
    symCache.set(elf, m);
  }
  const v = m.get(name);
  if (v === undefined) throw new Error(`${elf}: no symbol ${name}`);
  return v;
}

export const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** A number in an adapter's text: "0x80001000", "0x0000_0000_8000_1000", "42", "0x2a (42)". */
export function parseNum(text: string): bigint {
  const m = /^\s*(-?)(0x[0-9a-f_]+|0b[01_]+|\d[\d_]*)/i.exec(text);
  assert.ok(m, `not a number: ${JSON.stringify(text)}`);
  const v = BigInt(m[2].replace(/_/g, ''));
  return m[1] === '-' ? -v : v;
}

// ------------------------------------------------------------------ the session

/** Fails (never skips) when the adapter is not built: the adapter is part of the product. */
export function requireAdapter(): void {
  if (!existsSync(adapterPath)) {
    assert.fail(`${adapterPath} is missing: the debug adapter is not built (src/debug/adapterMain.ts → \`npm run build\`)`);
  }
  for (const g of [GUESTS.bare.elf, GUESTS.vs.elf, GUESTS.step.elf, GUESTS.spin.elf]) {
    if (!existsSync(g)) assert.fail(`${g} is missing: build the DAP guests with \`make -C test/guests/dap\``);
  }
}

/** A client for a fresh adapter process. Call `await dc.stop()` in afterEach. */
export async function startClient(): Promise<DebugClient> {
  requireAdapter();
  const dc = new DebugClient('node', adapterPath, 'hvscope', { cwd: repoRoot }, true);
  dc.defaultTimeout = STOP_TIMEOUT_MS;
  await dc.start();
  return dc;
}

/** Launch arguments for one of the DAP guests (cwd = the guests' folder, for relative DWARF paths). */
export function launchArgs(elf: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const machine = elf === GUESTS.vs.elf ? 'hypervisor' : 'bare';
  return { kernel: elf, machine, cwd: dapGuestDir, stopOnEntry: false, ...extra };
}

/**
 * The whole start of a session: initialize, launch, (on `initialized`) `configure` — set breakpoints
 * and exception filters — then configurationDone; resolves with the first `stopped` event.
 * With `expectStop = false` resolves once configurationDone is answered (no stop awaited).
 */
export async function launchAndConfigure(
  dc: DebugClient,
  args: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => undefined,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', STOP_TIMEOUT_MS) as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized', STOP_TIMEOUT_MS).then(configure).then(() => dc.configurationDoneRequest()),
    dc.launch(args),
  ]);
  return stopped;
}

/** Like launchAndConfigure, but the guest is expected to run to its end: resolves with `terminated`. */
export async function launchToEnd(dc: DebugClient, args: Record<string, unknown>, configure: () => Promise<unknown> = async () => undefined): Promise<void> {
  const terminated = dc.waitForEvent('terminated', STOP_TIMEOUT_MS);
  await Promise.all([
    dc.waitForEvent('initialized', STOP_TIMEOUT_MS).then(configure).then(() => dc.configurationDoneRequest()),
    dc.launch(args),
  ]);
  await terminated;
}

/** Runs `action` (a continue, a step, a custom continue) and resolves with the stop that follows. */
export async function nextStop(dc: DebugClient, action: () => Promise<unknown>, timeout = STOP_TIMEOUT_MS): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', timeout) as Promise<DebugProtocol.StoppedEvent>;
  await action();
  return stopped;
}

export function cont(dc: DebugClient, threadId: number): Promise<DebugProtocol.StoppedEvent> {
  return nextStop(dc, () => dc.continueRequest({ threadId }));
}

/** Continues and expects the guest to end (terminated event) without another stop. */
export async function contToEnd(dc: DebugClient, threadId: number): Promise<void> {
  let stop: DebugProtocol.StoppedEvent | undefined;
  const onStop = (e: DebugProtocol.StoppedEvent): void => { stop = e; };
  dc.on('stopped', onStop);
  try {
    const terminated = dc.waitForEvent('terminated', STOP_TIMEOUT_MS);
    await dc.continueRequest({ threadId });
    await terminated;
  } finally {
    dc.removeListener('stopped', onStop);
  }
  assert.strictEqual(stop, undefined, `expected the guest to run to its end, but it stopped: ${JSON.stringify(stop?.body)}`);
}

/**
 * The guest's frames, innermost first. At a VM exit the adapter puts a synthetic frame for the
 * hypervisor's side on top ("VM exit: sbi", no source): it is left out here, so frame 0 is always
 * the guest's pc.
 */
export async function frames(dc: DebugClient, threadId: number, levels = 20): Promise<DebugProtocol.StackFrame[]> {
  const r = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: levels + 1 });
  const fs = r.body.stackFrames.filter((f, i) => !(i === 0 && isExitFrame(f)));
  assert.ok(fs.length > 0, 'stackTrace returned no guest frames');
  return fs;
}

export function isExitFrame(f: DebugProtocol.StackFrame): boolean {
  return /^VM exit\b/.test(f.name) && !f.source;
}

export async function topFrame(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  return (await frames(dc, threadId, 1))[0];
}

/** Asserts that the top frame is at the marker's line in the marker's file. */
export async function assertAtMarker(dc: DebugClient, threadId: number, m: Marker, what = ''): Promise<DebugProtocol.StackFrame> {
  const f = await topFrame(dc, threadId);
  const where = `${f.name} ${f.source?.path ?? f.source?.name ?? '?'}:${f.line}`;
  assert.ok(f.source?.path, `${what}: top frame has no source path (${where})`);
  assert.strictEqual(resolve(f.source.path), resolve(m.path), `${what}: stopped in ${where}, expected ${m.path}:${m.line}`);
  assert.strictEqual(f.line, m.line, `${what}: stopped at line ${f.line} (${where}), expected ${m.line}`);
  return f;
}

/** Name of a frame without decorations ("level3", not "level3()" or "level3 + 0x10"). */
export function frameFunction(f: DebugProtocol.StackFrame): string {
  return /^[A-Za-z_][A-Za-z0-9_.$]*/.exec(f.name)?.[0] ?? f.name;
}

/** Program counter of the top frame (instructionPointerReference, else `$pc`). */
export async function pcOf(dc: DebugClient, threadId: number): Promise<bigint> {
  const f = await topFrame(dc, threadId);
  if (f.instructionPointerReference) return parseNum(f.instructionPointerReference);
  return evalNum(dc, '$pc', f.id);
}

/** Evaluates in the top frame (or `frameId`) and parses the result as a number. */
export async function evalNum(dc: DebugClient, expression: string, frameId?: number, threadId?: number): Promise<bigint> {
  const r = await evaluate(dc, expression, frameId, threadId);
  return parseNum(r.result);
}

export async function evaluate(dc: DebugClient, expression: string, frameId?: number, threadId?: number, context = 'watch'): Promise<DebugProtocol.EvaluateResponse['body']> {
  if (frameId === undefined && threadId !== undefined) frameId = (await topFrame(dc, threadId)).id;
  const r = await dc.evaluateRequest({ expression, frameId, context });
  return r.body;
}

/** The variables of the scope whose name matches (e.g. /^Registers$/) in the top frame. */
export async function scopeVariables(dc: DebugClient, threadId: number, scope: RegExp): Promise<{ ref: number; vars: DebugProtocol.Variable[] }> {
  const f = await topFrame(dc, threadId);
  const scopes = (await dc.scopesRequest({ frameId: f.id })).body.scopes;
  const s = scopes.find((x) => scope.test(x.name));
  assert.ok(s, `no scope matching ${scope} (scopes: ${scopes.map((x) => x.name).join(', ')})`);
  const vars = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
  return { ref: s.variablesReference, vars };
}

/** The register variable for an ABI name ("a0", "sp", "pc"), whether shown as "a0" or "x10 (a0)". */
export function findRegister(vars: DebugProtocol.Variable[], abi: string): DebugProtocol.Variable {
  const v = vars.find((x) => x.name === abi) ?? vars.find((x) => new RegExp(`(^|[^A-Za-z0-9])${abi}([^A-Za-z0-9]|$)`).test(x.name));
  assert.ok(v, `no register ${abi} among ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

/** setBreakpoints on one source with the given lines (and per-line options). */
export function setLineBreakpoints(dc: DebugClient, path: string, bps: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.SetBreakpointsResponse> {
  return dc.setBreakpointsRequest({ source: { path }, breakpoints: bps, lines: bps.map((b) => b.line) });
}

export function setExceptionFilters(dc: DebugClient, filters: (string | DebugProtocol.ExceptionFilterOptions)[]): Promise<DebugProtocol.SetExceptionBreakpointsResponse> {
  const plain = filters.filter((f): f is string => typeof f === 'string');
  const opts = filters.filter((f): f is DebugProtocol.ExceptionFilterOptions => typeof f !== 'string');
  return dc.setExceptionBreakpointsRequest({ filters: plain, filterOptions: opts.length ? opts : undefined });
}

export async function exceptionInfo(dc: DebugClient, threadId: number): Promise<DebugProtocol.ExceptionInfoResponse['body']> {
  return (await dc.exceptionInfoRequest({ threadId })).body;
}

/** Collects `output` events (category, text) from now on; call the returned function to stop. */
export function collectOutput(dc: DebugClient): { texts: string[]; all: () => string; stop: () => void } {
  const texts: string[] = [];
  const on = (e: DebugProtocol.OutputEvent): void => { texts.push(e.body.output); };
  dc.on('output', on);
  return { texts, all: () => texts.join(''), stop: () => { dc.removeListener('output', on); } };
}

/** A stopped event's reason, description and text in one string, for messages. */
export function describeStop(e: DebugProtocol.StoppedEvent): string {
  return `reason=${e.body.reason} description=${e.body.description ?? ''} text=${e.body.text ?? ''}`;
}

/** Stops the adapter process without failing the test when it is already gone. */
export async function stopClient(dc: DebugClient | undefined): Promise<void> {
  if (!dc) return;
  try {
    await Promise.race([dc.stop(), new Promise((r) => setTimeout(r, 5000))]);
  } catch {
    // the adapter may have exited on its own (terminate); nothing to clean up
  }
}
