// Helpers for integration tests that run a guest in a child process (hvscope or QEMU): spawn with a
// hard timeout (the child is killed, never left behind), collect output, wait for text, type input.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const hvscopeBin = join(repoRoot, 'bin', 'hvscope.js');
export const guestsDir = process.env.HVSCOPE_GUESTS ?? join(homedir(), '.cache', 'hvscope-guests');
export const qemuBin = process.env.QEMU ?? 'qemu-system-riscv64';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** Why a command cannot run here, or undefined when it can (for loud skips). */
export function missingTool(cmd: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  if (r.error) return `${cmd} is not available (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  return undefined;
}

/** Why the hvscope CLI cannot run, or undefined (the bundle is built by `npm run build`). */
export function missingHvscope(): string | undefined {
  if (!existsSync(join(repoRoot, 'dist', 'cli.js'))) return 'dist/cli.js is missing: run `npm run build` (src/cli/main.ts must exist)';
  return undefined;
}

/** Runs a command to completion with stdin closed; kills it (SIGKILL) after timeoutMs. */
export function runToExit(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('utf8'), code, signal, timedOut });
    });
  });
}

/** An interactive guest: output accumulates; waitFor() resolves when a pattern appears after a mark. */
export class GuestSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private stderrText = '';
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => { this.output += b.toString('latin1'); this.wake(); });
    this.child.stderr.on('data', (b: Buffer) => { this.stderrText += b.toString('utf8'); });
    this.child.stdin.on('error', () => { /* the guest may exit before reading its input */ });
    this.exit = new Promise((res) => {
      this.child.on('close', (code, signal) => { this.closed = true; this.wake(); res({ code, signal }); });
      this.child.on('error', (e) => { this.closed = true; this.stderrText += String(e); this.wake(); res({ code: null, signal: null }); });
    });
  }

  get text(): string { return this.output; }
  get stderr(): string { return this.stderrText; }
  /** Index into text() to search from, so that earlier output does not satisfy a later wait. */
  mark(): number { return this.output.length; }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }

  /** Resolves with the match once `pattern` occurs in the output at or after `from`; rejects on timeout or exit. */
  waitFor(pattern: RegExp | string, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; output tail:\n${this.tail()}`)), timeoutMs);
      const check = (): void => {
        const hay = this.output.slice(from);
        const m = typeof pattern === 'string' ? (hay.includes(pattern) ? pattern : null) : hay.match(pattern)?.[0] ?? null;
        if (m !== null) { clearTimeout(timer); res(m); return; }
        if (this.closed) { clearTimeout(timer); rej(new Error(`guest exited while waiting for ${String(pattern)}; output tail:\n${this.tail()}\nstderr:\n${this.stderrText}`)); return; }
        this.waiters.push(check);
      };
      check();
    });
  }

  type(s: string): void { if (!this.closed) this.child.stdin.write(s); }

  /** Waits for the process to exit; kills it after timeoutMs. */
  async exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; this.child.kill('SIGKILL'); }, timeoutMs);
    const r = await this.exit;
    clearTimeout(timer);
    return { ...r, timedOut };
  }

  kill(): void { if (!this.closed) this.child.kill('SIGKILL'); }

  tail(lines = 15): string { return this.output.split('\n').slice(-lines).join('\n'); }
}

/** A readable report of the first difference between two outputs ("unified-ish", with context). */
export function firstDifference(expected: string, actual: string, context = 3): string | undefined {
  if (expected === actual) return undefined;
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - context);
  const lines = [`--- qemu (expected)`, `+++ hvscope (actual)`, `@@ first difference at line ${i + 1} (qemu ${a.length} lines, hvscope ${b.length} lines) @@`];
  for (let k = from; k < i; k++) lines.push(`  ${a[k]}`);
  for (let k = i; k < Math.min(a.length, i + context + 1); k++) lines.push(`- ${a[k]}`);
  for (let k = i; k < Math.min(b.length, i + context + 1); k++) lines.push(`+ ${b[k]}`);
  return lines.join('\n');
}
