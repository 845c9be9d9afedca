// The status bar text of an hvscope session: its name and the machine it runs (plain data, no
// `vscode`). The adapter sends no status events yet, so everything comes from the configuration.
import type { LaunchConfig } from './config';

export interface StatusView {
  text: string;
  tooltip: string;
}

export function statusView(sessionName: string, config: Partial<LaunchConfig>): StatusView {
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
