// The status bar text of an hvscope session (plain data, no `vscode`): from the launch
// configuration until the adapter's first `hvscope/status` event, then the live machine — vCPU
// states, paging (the hypervisor's mode and the guest's own satp mode), VM exits so far.
import type { StatusEventBody, VcpuStatus } from '../protocol/requests';
import type { LaunchConfig } from './config';

export interface StatusView {
  text: string;
  tooltip: string;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The vCPUs in a few words: "vCPU 0 stopped", or "4 vCPUs: 3 running, 1 wfi". */
export function vcpuSummary(vcpus: readonly VcpuStatus[], bare: boolean): string {
  if (vcpus.length === 0) return bare ? 'no harts' : 'no vCPUs';
  if (vcpus.length === 1) return `${vcpus[0].name} ${vcpus[0].state}`;
  const order = ['running', 'stopped', 'wfi', 'parked'] as const;
  const by = order.map((s) => [s, vcpus.filter((v) => v.state === s).length] as const).filter(([, n]) => n > 0);
  return `${vcpus.length} ${bare ? 'harts' : 'vCPUs'}: ${by.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

function liveView(sessionName: string, st: StatusEventBody): StatusView {
  const bare = st.machine === 'bare';
  const paging = bare ? st.guestMode : `${st.paging} ${st.guestMode}`;
  const parts = [vcpuSummary(st.vcpus, bare), paging];
  if (!bare) parts.push(plural(st.exits, 'exit'));
  const tooltip = [
    `hvscope session: ${sessionName} (${st.running ? 'running' : 'stopped'})`,
    `machine: ${bare ? 'bare machine' : 'hypervisor'}`,
    bare ? `guest translation: ${st.guestMode}` : `paging: ${st.paging}, guest ${st.guestMode}`,
    ...(bare ? [] : [`VM exits: ${count(st.exits)}`]),
    `retired instructions: ${count(st.retired)}`,
    `engine: ${st.engine === 'jit' ? 'binary translator' : 'interpreter'}`,
    ...st.vcpus.map((v) => `${v.name}: ${v.state}, ${v.privilege}-mode, ${count(v.retired)} instructions${v.threadId === st.focus ? ' (focus)' : ''}`),
  ].join('\n');
  return { text: `$(vm) ${sessionName}: ${parts.join(' · ')}`, tooltip };
}

/** The item's text: from the adapter's last `hvscope/status` event when there is one, else from the configuration. */
export function statusView(sessionName: string, config: Partial<LaunchConfig>, live?: StatusEventBody): StatusView {
  if (live) return liveView(sessionName, live);
  const bare = config.machine === 'bare';
  const machine = bare ? 'bare machine' : 'hypervisor';
  const parts = [machine];
  // A bare machine has no embedded hypervisor, hence no second translation stage to choose.
  if (!bare) parts.push(`${config.paging ?? 'nested'} paging`);
  if (config.memory !== undefined) parts.push(String(config.memory));
  const vcpus = typeof config.vcpus === 'number' ? config.vcpus : 1;
  if (vcpus !== 1) parts.push(`${vcpus} ${bare ? 'harts' : 'vCPUs'}`);
  const tooltip = [
    `hvscope session: ${sessionName}`,
    `machine: ${machine}`,
    ...(bare ? [] : [`paging: ${config.paging ?? 'nested'}`]),
    ...(typeof config.kernel === 'string' ? [`kernel: ${config.kernel}`] : []),
  ].join('\n');
  return { text: `$(vm) ${sessionName}: ${parts.join(' · ')}`, tooltip };
}

/** A `hvscope/status` body as received (a custom event's body is untyped JSON): undefined unless it has the shape. */
export function asStatusBody(body: unknown): StatusEventBody | undefined {
  const b = body as Partial<StatusEventBody> | undefined;
  if (!b || typeof b !== 'object' || !Array.isArray(b.vcpus) || typeof b.machine !== 'string' || typeof b.exits !== 'number') return undefined;
  return b as StatusEventBody;
}
