// Launch configurations and settings of the `hvscope` debug type, as plain data: no `vscode` import,
// so the rules here are unit-tested without an editor (test/unit/extension/config.test.ts).
// The glue in configProvider.ts reads the editor's state and hands it in.

export const DEBUG_TYPE = 'hvscope';

export type AdapterMode = 'process' | 'server' | 'inline';
export type Paging = 'nested' | 'shadow';

/** The `hvscope.*` settings (package.json contributes.configuration). */
export interface HvscopeSettings {
  adapterMode: AdapterMode;
  adapterPort: number;
  defaultMemory: string;
  defaultPaging: Paging;
  openConsole: boolean;
}

export const DEFAULT_SETTINGS: Readonly<HvscopeSettings> = {
  adapterMode: 'process',
  adapterPort: 4711,
  defaultMemory: '256M',
  defaultPaging: 'nested',
  openConsole: true,
};

/**
 * The settings from a getter such as `workspace.getConfiguration('hvscope').get`; a value of the
 * wrong type (hand-edited settings.json) falls back to the default instead of reaching the adapter.
 */
export function readSettings(get: (key: keyof HvscopeSettings) => unknown): HvscopeSettings {
  const mode = get('adapterMode');
  const port = get('adapterPort');
  const memory = get('defaultMemory');
  const paging = get('defaultPaging');
  const open = get('openConsole');
  return {
    adapterMode: mode === 'process' || mode === 'server' || mode === 'inline' ? mode : DEFAULT_SETTINGS.adapterMode,
    adapterPort: typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_SETTINGS.adapterPort,
    defaultMemory: typeof memory === 'string' && memory.trim() !== '' ? memory.trim() : DEFAULT_SETTINGS.defaultMemory,
    defaultPaging: paging === 'nested' || paging === 'shadow' ? paging : DEFAULT_SETTINGS.defaultPaging,
    openConsole: typeof open === 'boolean' ? open : DEFAULT_SETTINGS.openConsole,
  };
}

/** A launch configuration as it travels to the adapter (the options of src/debug/runtime/launch.ts). */
export interface LaunchConfig {
  type: string;
  request: string;
  name: string;
  kernel?: string;
  machine?: 'hypervisor' | 'bare';
  bios?: string;
  initrd?: string;
  bootargs?: string;
  memory?: string | number;
  vcpus?: number;
  paging?: Paging;
  stopOnEntry?: boolean;
  cwd?: string;
  /** A terminal of the extension shows the guest console: the adapter keeps guest output out of the Debug Console. */
  consoleTerminal?: boolean;
  [key: string]: unknown;
}

/**
 * What a new launch.json starts with: a guest ELF under the embedded hypervisor, a Linux Image with
 * an initrd, and a bare machine booting OpenSBI. package.json repeats these as `initialConfigurations`
 * (a test keeps both equal).
 */
export function initialConfigurations(): LaunchConfig[] {
  return [
    {
      type: DEBUG_TYPE,
      request: 'launch',
      name: 'hvscope: guest ELF under the hypervisor',
      kernel: '${workspaceFolder}/guest.elf',
      machine: 'hypervisor',
      paging: 'nested',
      stopOnEntry: true,
    },
    {
      type: DEBUG_TYPE,
      request: 'launch',
      name: 'hvscope: Linux Image with initrd',
      kernel: '${workspaceFolder}/Image',
      initrd: '${workspaceFolder}/rootfs.cpio',
      bootargs: 'console=ttyS0 earlycon=sbi',
      symbols: ['${workspaceFolder}/vmlinux'],
      machine: 'hypervisor',
      memory: '512M',
      stopOnEntry: false,
    },
    {
      type: DEBUG_TYPE,
      request: 'launch',
      name: 'hvscope: bare machine with OpenSBI',
      machine: 'bare',
      bios: '${workspaceFolder}/fw_jump.elf',
      kernel: '${workspaceFolder}/kernel.elf',
      stopOnEntry: true,
    },
  ];
}

/** ELF files start with 0x7f 'E' 'L' 'F' (ELF e_ident, EI_MAG0..EI_MAG3). */
export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** The editor state resolveLaunchConfig looks at. */
export interface ResolveContext {
  settings: HvscopeSettings;
  /** File-system path of the workspace folder the configuration belongs to. */
  workspaceFolder?: string;
  /** The file in the active editor tab and its first bytes (enough for isElf). */
  activeFile?: { path: string; head: Uint8Array };
}

export type ResolveResult =
  | { kind: 'launch'; config: LaunchConfig }
  /** Nothing to launch: tell the user why and start no session. */
  | { kind: 'abort'; message: string };

function basename(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/** A configuration that launches the active file, when it is an ELF (the "no launch.json" case). */
export function launchActiveElf(ctx: ResolveContext): LaunchConfig | undefined {
  const f = ctx.activeFile;
  if (!f || !isElf(f.head)) return undefined;
  return { type: DEBUG_TYPE, request: 'launch', name: `hvscope: ${basename(f.path)}`, kernel: f.path, machine: 'hypervisor', stopOnEntry: true };
}

/**
 * resolveDebugConfiguration without the editor: an empty configuration (F5 with no launch.json)
 * becomes a launch of the active ELF; then the settings fill `memory` and `paging`, and `cwd`
 * defaults to the workspace folder. Options the user wrote are never overwritten. `paging` is not
 * added for `machine: "bare"`, which the adapter rejects (it has no embedded hypervisor).
 * `consoleTerminal` follows the `hvscope.openConsole` setting: with the terminal open, guest output
 * goes there only and the Debug Console keeps the adapter's own messages.
 */
export function resolveLaunchConfig(config: Partial<LaunchConfig>, ctx: ResolveContext): ResolveResult {
  let c: Partial<LaunchConfig> = { ...config };
  if (!c.type && !c.request && !c.name) {
    const elf = launchActiveElf(ctx);
    if (!elf) {
      return { kind: 'abort', message: 'hvscope: open a guest ELF in the editor, or add an hvscope configuration to launch.json (Run > Add Configuration...).' };
    }
    c = elf;
  }
  const out: LaunchConfig = { ...c, type: c.type ?? DEBUG_TYPE, request: c.request ?? 'launch', name: c.name ?? 'hvscope' };
  if (out.memory === undefined) out.memory = ctx.settings.defaultMemory;
  if (out.paging === undefined && out.machine !== 'bare') out.paging = ctx.settings.defaultPaging;
  if (out.cwd === undefined && ctx.workspaceFolder !== undefined) out.cwd = ctx.workspaceFolder;
  if (out.consoleTerminal === undefined && ctx.settings.openConsole) out.consoleTerminal = true;
  return { kind: 'launch', config: out };
}

/**
 * Whether a session gets the console terminal: as its configuration says (resolveLaunchConfig set
 * it from the setting, or the user wrote it), else as the setting says. The adapter sends guest
 * output to the Debug Console exactly when `consoleTerminal` is not true, so the two never both
 * miss it (a terminal the configuration asks for opens even with the setting off).
 */
export function opensConsoleTerminal(config: Partial<LaunchConfig>, settings: HvscopeSettings): boolean {
  return typeof config.consoleTerminal === 'boolean' ? config.consoleTerminal : settings.openConsole;
}
