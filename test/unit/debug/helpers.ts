// A Runtime on examples/hello/hello.elf (bare machine) driven synchronously-enough for unit tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Runtime, type RuntimeEvent, type StopInfo } from '../../../src/debug/runtime/runtime';
import { planLaunch } from '../../../src/debug/runtime/launch';
import { nodeFiles } from '../../../src/debug/session/session';

export const root = path.resolve(__dirname, '../../..');
export const helloC = path.join(root, 'examples/hello/hello.c');

export function marker(name: string): number {
  const lines = fs.readFileSync(helloC, 'utf8').split('\n');
  const i = lines.findIndex((l) => new RegExp(`//\\s*#BP ${name}\\b`).test(l));
  if (i < 0) throw new Error(`no #BP ${name}`);
  return i + 1;
}

export function helloRuntime(extra: Record<string, unknown> = {}): { rt: Runtime; events: RuntimeEvent[]; nextStop: () => Promise<StopInfo | { exited: number }> } {
  const rt = new Runtime({
    paths: { dirname: path.dirname, basename: path.basename, resolve: (d, p) => path.resolve(d, p) },
    now: () => performance.now(), defer: (f) => setImmediate(f), later: (f, ms) => setTimeout(f, ms),
  });
  const events: RuntimeEvent[] = [];
  let waiter: ((s: StopInfo | { exited: number }) => void) | undefined;
  rt.onEvent((e) => {
    events.push(e);
    if (e.type === 'stopped') waiter?.(e.stop);
    if (e.type === 'exited') waiter?.({ exited: e.code });
  });
  rt.launch(planLaunch({ kernel: 'examples/hello/hello.elf', machine: 'bare', stopOnEntry: true, cwd: root, ...extra }, nodeFiles, root));
  const nextStop = () => new Promise<StopInfo | { exited: number }>((resolve) => { waiter = resolve; });
  return { rt, events, nextStop };
}
