// Launch configuration of the `hvscope` debug type: validation and path resolution. Every wrong or
// missing option becomes one ConfigError naming the option (the user's fault, shown to the user).
import { RAM_DEFAULT_SIZE } from '../../machine/memoryMap';

/** The host's file system as the runtime needs it (a small interface: tests and other hosts plug in). */
export interface HostFiles {
  /** File bytes, or a string saying why they cannot be read ("not found", "a directory", ...). */
  read(path: string): Uint8Array | string;
  /** Absolute form of `path` relative to `cwd` (an absolute `path` stays as it is). */
  resolve(cwd: string, path: string): string;
}

/** What `launch` accepts (package.json contributes.debuggers configurationAttributes). */
export interface LaunchArguments {
  kernel?: unknown;
  initrd?: unknown;
  bootargs?: unknown;
  memory?: unknown;
  vcpus?: unknown;
  paging?: unknown;
  /** Execution engine: "jit" (default, the block translator) or "interp". */
  engine?: unknown;
  machine?: unknown;
  bios?: unknown;
  disk?: unknown;
  symbols?: unknown;
  stopOnEntry?: unknown;
  cwd?: unknown;
  /** Set by the VS Code extension when its terminal shows the guest console (then the Debug Console does not). */
  consoleTerminal?: unknown;
}

export interface SymbolFile {
  path: string;
  bytes: Uint8Array;
  /** Added to every address of the file (a relocated kernel, a module). */
  offset: number;
}

export interface LaunchPlan {
  machine: 'hypervisor' | 'bare';
  kernelPath: string;
  kernel: Uint8Array;
  bios?: Uint8Array;
  biosPath?: string;
  initrd?: Uint8Array;
  bootargs?: string;
  memoryBytes: number;
  vcpus: number;
  paging: 'nested' | 'shadow';
  engine: 'interp' | 'jit';
  diskPath?: string;
  symbols: SymbolFile[];
  stopOnEntry: boolean;
  cwd: string;
  /** The `cwd` option made absolute, when given: the folder for relative DWARF source paths. */
  sourceRoot?: string;
  /** A terminal shows the guest console (`hvscope/console` events): guest output stays out of the Debug Console. */
  consoleTerminal: boolean;
}

/** A launch option is wrong: `option` names it for the message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly option: string, message: string) {
    super(`launch option '${option}': ${message}`);
  }
}

const KNOWN = new Set(['kernel', 'initrd', 'bootargs', 'memory', 'vcpus', 'paging', 'engine', 'machine', 'bios', 'disk', 'symbols', 'stopOnEntry', 'cwd', 'consoleTerminal',
  // set by VS Code itself
  'type', 'request', 'name', '__sessionId', '__configurationTarget', 'noDebug', '__restart', 'presentation', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions', 'debugServer', 'trace']);

/** Sizes as "256M", "1G", "65536K" or a number of bytes. */
export function parseMemory(v: unknown): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const m = /^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$/i.exec(v);
    if (!m) throw new ConfigError('memory', `cannot read '${v}' as a size (use e.g. "256M" or "1G")`);
    n = Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  } else throw new ConfigError('memory', `expected a size such as "256M", got ${JSON.stringify(v)}`);
  if (!Number.isSafeInteger(n) || n < 2 * 1024 * 1024 || n > 2 * 1024 ** 3) throw new ConfigError('memory', `${JSON.stringify(v)} is out of range (2M..2G)`);
  if (n % (2 * 1024 * 1024) !== 0) throw new ConfigError('memory', `${JSON.stringify(v)} must be a multiple of 2 MiB`);
  return n;
}

function str(args: LaunchArguments, key: keyof LaunchArguments): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(key, `expected a string, got ${JSON.stringify(v)}`);
  if (v.trim() === '') throw new ConfigError(key, 'is empty');
  return v;
}

function readFile(files: HostFiles, cwd: string, option: string, p: string): { path: string; bytes: Uint8Array } {
  const path = files.resolve(cwd, p);
  const r = files.read(path);
  if (typeof r === 'string') throw new ConfigError(option, `${path}: ${r}`);
  if (r.length === 0) throw new ConfigError(option, `${path}: the file is empty`);
  return { path, bytes: r };
}

/** Validates `args` and reads the files they name. Throws ConfigError. */
export function planLaunch(args: LaunchArguments, files: HostFiles, defaultCwd: string): LaunchPlan {
  for (const k of Object.keys(args)) {
    if (!KNOWN.has(k)) throw new ConfigError(k, `unknown option (known: ${[...KNOWN].slice(0, 12).join(', ')})`);
  }
  const cwdOpt = str(args, 'cwd');
  const cwd = cwdOpt === undefined ? defaultCwd : files.resolve(defaultCwd, cwdOpt);
  const machineOpt = str(args, 'machine') ?? 'hypervisor';
  if (machineOpt !== 'hypervisor' && machineOpt !== 'bare') throw new ConfigError('machine', `expected "hypervisor" or "bare", got "${machineOpt}"`);
  const kernelOpt = str(args, 'kernel');
  if (kernelOpt === undefined) throw new ConfigError('kernel', 'is required: the guest kernel or program (ELF, Linux Image or raw binary)');
  const biosOpt = str(args, 'bios');
  if (biosOpt !== undefined && machineOpt !== 'bare') throw new ConfigError('bios', 'needs "machine": "bare" (under the embedded hypervisor the hypervisor provides SBI)');
  const pagingOpt = str(args, 'paging') ?? 'nested';
  if (pagingOpt !== 'nested' && pagingOpt !== 'shadow') throw new ConfigError('paging', `expected "nested" or "shadow", got "${pagingOpt}"`);
  if (args.paging !== undefined && machineOpt === 'bare') throw new ConfigError('paging', 'applies to the embedded hypervisor only, not to "machine": "bare"');
  const engineOpt = str(args, 'engine') ?? 'jit';
  if (engineOpt !== 'interp' && engineOpt !== 'jit') throw new ConfigError('engine', `expected "jit" or "interp", got "${engineOpt}"`);
  let vcpus = 1;
  if (args.vcpus !== undefined) {
    if (typeof args.vcpus !== 'number' || !Number.isInteger(args.vcpus) || args.vcpus < 1 || args.vcpus > 8) throw new ConfigError('vcpus', `expected an integer 1..8, got ${JSON.stringify(args.vcpus)}`);
    vcpus = args.vcpus;
  }
  const memoryBytes = args.memory === undefined ? RAM_DEFAULT_SIZE : parseMemory(args.memory);
  if (args.consoleTerminal !== undefined && typeof args.consoleTerminal !== 'boolean') throw new ConfigError('consoleTerminal', `expected true or false, got ${JSON.stringify(args.consoleTerminal)}`);
  if (args.stopOnEntry !== undefined && typeof args.stopOnEntry !== 'boolean') throw new ConfigError('stopOnEntry', `expected true or false, got ${JSON.stringify(args.stopOnEntry)}`);
  const bootargs = args.bootargs === undefined ? undefined : (() => {
    if (typeof args.bootargs !== 'string') throw new ConfigError('bootargs', `expected a string, got ${JSON.stringify(args.bootargs)}`);
    return args.bootargs;
  })();
  const kernel = readFile(files, cwd, 'kernel', kernelOpt);
  const bios = biosOpt === undefined ? undefined : readFile(files, cwd, 'bios', biosOpt);
  const initrdOpt = str(args, 'initrd');
  const initrd = initrdOpt === undefined ? undefined : readFile(files, cwd, 'initrd', initrdOpt);
  const diskOpt = str(args, 'disk');
  let diskPath: string | undefined;
  if (diskOpt !== undefined) {
    diskPath = files.resolve(cwd, diskOpt);
    const r = files.read(diskPath);
    if (typeof r === 'string') throw new ConfigError('disk', `${diskPath}: ${r}`);
  }
  const symbols: SymbolFile[] = [];
  if (args.symbols !== undefined) {
    if (!Array.isArray(args.symbols)) throw new ConfigError('symbols', 'expected a list of ELF files: ["vmlinux", {"path": "mod.ko", "offset": "0xffffffff80000000"}]');
    args.symbols.forEach((s: unknown, i: number) => {
      const name = `symbols[${i}]`;
      let p: unknown, off: unknown = 0;
      if (typeof s === 'string') p = s;
      else if (s !== null && typeof s === 'object') { p = (s as Record<string, unknown>).path; off = (s as Record<string, unknown>).offset ?? 0; }
      if (typeof p !== 'string' || p === '') throw new ConfigError(name, 'expected a path or {"path": ..., "offset": ...}');
      let offset: number;
      if (typeof off === 'number' && Number.isSafeInteger(off)) offset = off;
      else if (typeof off === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(off.trim())) offset = Number(off.trim());
      else throw new ConfigError(`${name}.offset`, `expected a number or a hex string, got ${JSON.stringify(off)}`);
      const f = readFile(files, cwd, name, p);
      if (!(f.bytes[0] === 0x7f && f.bytes[1] === 0x45 && f.bytes[2] === 0x4c && f.bytes[3] === 0x46)) throw new ConfigError(name, `${f.path}: not an ELF file`);
      symbols.push({ path: f.path, bytes: f.bytes, offset });
    });
  }
  return {
    machine: machineOpt, kernelPath: kernel.path, kernel: kernel.bytes, bios: bios?.bytes, biosPath: bios?.path,
    initrd: initrd?.bytes, bootargs, memoryBytes, vcpus, paging: pagingOpt, engine: engineOpt, diskPath, symbols,
    stopOnEntry: (args.stopOnEntry as boolean | undefined) ?? false, cwd, sourceRoot: cwdOpt === undefined ? undefined : cwd,
    consoleTerminal: (args.consoleTerminal as boolean | undefined) ?? false,
  };
}
