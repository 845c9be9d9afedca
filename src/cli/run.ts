// `hvscope run`: boots a machine headless with the guest console on stdio.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { Machine, ISA_STRING, type StopCause, type EngineKind } from '../machine/machine';
import { bootBare } from '../machine/boot';
import { bootHypervisor, type HypervisorSystem } from '../machine/hypervisorBoot';
import { Elf64, isElf } from '../elf/elf64';
import { UserError } from '../common/errors';
import { EXCEPTION_NAMES } from '../riscv/hart/csrs';
import { RAM_DEFAULT_SIZE } from '../machine/memoryMap';
import { Htif } from './htif';
import { Lockstep } from '../machine/lockstep';
import { FileBlock } from './fileBlock';

export interface RunOptions {
  bare: boolean;
  kernel?: string;
  bios?: string;
  initrd?: string;
  append?: string;
  memory: number;
  harts: number;
  disk?: string;
  maxInsns?: number;
  htif: boolean;
  paging: 'nested' | 'shadow';
  exits: boolean;
  /** Execution engine (default: the translator). */
  engine: EngineKind;
  /** Run an interpreter machine beside a translator machine and stop at the first divergence. */
  lockstep: boolean;
  /** Print the translated blocks' listing to stderr at the end. */
  jitStats: boolean;
}

export const RUN_USAGE = `usage: hvscope run [options]
By default the guest runs under the embedded hypervisor (VS-mode, SBI from the hypervisor).
  --bare                 bare machine: M-mode firmware (--bios) or program (--kernel) on the emulated hart
  --kernel FILE          guest kernel or program: ELF, Linux Image or raw binary
  --paging MODE          hypervisor memory virtualization: nested (default) or shadow
  --vcpus N              hypervisor: number of vCPUs (default 1); bare: same as --harts
  --exits                hypervisor: print VM-exit statistics at the end
  --bios FILE            M-mode firmware (e.g. OpenSBI fw_jump.elf); the kernel then goes to 0x80200000
  --initrd FILE          initial ramdisk
  --append STRING        kernel command line (/chosen/bootargs)
  --memory SIZE          RAM size, e.g. 256M or 1G (default 256M)
  --harts N              number of harts (default 1; alias --smp)
  --disk FILE            virtio-blk image
  --max-insns N          stop with an error after N retired instructions
  --htif                 honour the ELF's tohost/fromhost symbols (exit code from tohost)
  --engine interp|jit    execution engine: the interpreter, or the block translator (default jit)
  --lockstep             run interp and jit machines side by side; stop at the first divergence (exit 6)
  --jit-stats            print the translator's counters to stderr at the end
Exit status: the guest's power-off code (0 = pass); 1 for bad options or files, or a VM the
hypervisor had to stop; 2 for a guest kernel panic; 3 when the guest is stuck in a trap loop;
4 when --max-insns is reached; 5 when nothing can ever run again; 6 when --lockstep found a divergence.`;

export function parseSize(s: string, option: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new UserError(`${option}: cannot read size '${s}' (use e.g. 256M or 1G)`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  const n = Number(m[1]) * mult;
  if (n < 1024 * 1024 || n > 4 * 1024 ** 3 || n % 4096 !== 0) throw new UserError(`${option}: ${s} is out of range (1M..4G, a multiple of 4K)`);
  return n;
}

export function parseRunArgs(args: string[]): RunOptions {
  const o: RunOptions = { bare: false, memory: RAM_DEFAULT_SIZE, harts: 1, htif: false, paging: 'nested', exits: false, engine: 'jit', lockstep: false, jitStats: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UserError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--bare': o.bare = true; break;
      case '--kernel': o.kernel = value(); break;
      case '--bios': o.bios = value(); break;
      case '--initrd': o.initrd = value(); break;
      case '--append': case '--bootargs': o.append = value(); break;
      case '--memory': case '-m': o.memory = parseSize(value(), flag); break;
      case '--harts': case '--smp': case '--vcpus': {
        const v = value(), n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 8) throw new UserError(`${flag}: expected 1..8, got '${v}'`);
        o.harts = n; break;
      }
      case '--disk': o.disk = value(); break;
      case '--max-insns': {
        const v = value(), n = Number(v);
        if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`--max-insns: expected a positive integer, got '${v}'`);
        o.maxInsns = n; break;
      }
      case '--htif': o.htif = true; break;
      case '--exits': o.exits = true; break;
      case '--engine': {
        const v = value();
        if (v !== 'interp' && v !== 'jit') throw new UserError(`--engine: expected interp or jit, got '${v}'`);
        o.engine = v; break;
      }
      case '--lockstep': o.lockstep = true; break;
      case '--jit-stats': o.jitStats = true; break;
      case '--paging': {
        const v = value();
        if (v !== 'nested' && v !== 'shadow') throw new UserError(`--paging: expected nested or shadow, got '${v}'`);
        o.paging = v; break;
      }
      default: throw new UserError(`unknown option '${a}'\n${RUN_USAGE}`);
    }
  }
  if (!o.kernel && !o.bios) throw new UserError(`--kernel is required\n${RUN_USAGE}`);
  if (!o.bare && o.bios) throw new UserError('--bios needs --bare (under the embedded hypervisor the hypervisor provides SBI)');
  if (o.bare && o.htif === false && o.exits) throw new UserError('--exits needs the embedded hypervisor (not --bare)');
  if (!o.bare && o.htif) throw new UserError('--htif needs --bare');
  return o;
}

function readInput(path: string, option: string): Uint8Array {
  if (!existsSync(path)) throw new UserError(`${option}: file not found: ${path}`);
  if (!statSync(path).isFile()) throw new UserError(`${option}: not a file: ${path}`);
  const b = readFileSync(path);
  if (b.length === 0) throw new UserError(`${option}: file is empty: ${path}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Console output: buffered and flushed between slices so a chatty guest does not cost a syscall per byte. */
class StdoutSink {
  private buf = Buffer.alloc(65536);
  private n = 0;
  write(byte: number): void {
    if (this.n === this.buf.length) this.flush();
    this.buf[this.n++] = byte;
  }
  flush(): void {
    if (this.n === 0) return;
    process.stdout.write(Buffer.from(this.buf.subarray(0, this.n)));
    this.n = 0;
  }
}

/** Instructions per slice between returns to the event loop (stdin, signals). */
const SLICE = 2_000_000;

/** Watches the guest console for a Linux panic so the run can end with a clear message. */
class PanicWatch {
  private tail = '';
  panicked = false;
  constructor(private readonly out: StdoutSink) {}
  write(byte: number): void {
    this.out.write(byte);
    this.tail = (this.tail + String.fromCharCode(byte)).slice(-40);
    if (this.tail.endsWith('Kernel panic - not syncing')) this.panicked = true;
  }
}

export async function runCommand(args: string[]): Promise<number> {
  const o = parseRunArgs(args);
  const kernelPath = o.kernel ?? o.bios!;
  const kernel = readInput(kernelPath, o.kernel ? '--kernel' : '--bios');
  const bios = o.kernel && o.bios ? readInput(o.bios, '--bios') : undefined;
  const initrd = o.initrd ? readInput(o.initrd, '--initrd') : undefined;
  if (o.disk && !existsSync(o.disk)) throw new UserError(`--disk: file not found: ${o.disk}`);
  const disk = o.disk ? new FileBlock(o.disk) : undefined;

  const out = new StdoutSink();
  const watch = new PanicWatch(out);
  // Console input: raw keystrokes from a terminal, or bytes from a pipe. The SBI console reads
  // its own queue of the same bytes.
  const sbiInput: number[] = [];
  let m: Machine;
  let hv: HypervisorSystem | undefined;
  let pushInput: (b: Uint8Array) => void;
  let lockstep: Lockstep | undefined;
  if (o.lockstep) {
    // Two machines booted the same way: the interpreter's output is recorded, the translator's
    // goes to the console as well; Lockstep compares both after every quantum.
    const out: number[][] = [[], []];
    const make = (engine: EngineKind, i: number): Machine => {
      const sink = { write: (b: number) => { out[i].push(b); if (i === 1) watch.write(b); } };
      if (o.bare) {
        const mm = new Machine({ memoryBytes: o.memory, harts: o.harts, console: sink, disk: o.disk ? new FileBlock(o.disk) : undefined, engine });
        bootBare(mm, { kernel, bios, initrd, bootargs: o.append, isa: ISA_STRING });
        return mm;
      }
      return bootHypervisor({ kernel, initrd, bootargs: o.append, memoryBytes: o.memory, vcpus: o.harts, paging: o.paging, console: sink, engine }).machine;
    };
    const mi = make('interp', 0);
    m = make('jit', 1);
    lockstep = new Lockstep(mi, m);
    lockstep.interpOut.push(...out[0]); lockstep.jitOut.push(...out[1]);
    out[0] = lockstep.interpOut; out[1] = lockstep.jitOut;
    pushInput = () => { /* no console input in lockstep mode */ };
  } else if (o.bare) {
    m = new Machine({ memoryBytes: o.memory, harts: o.harts, console: watch, disk, engine: o.engine });
    bootBare(m, { kernel, bios, initrd, bootargs: o.append, isa: ISA_STRING });
    pushInput = (b) => m.uart.pushInput(b);
  } else {
    hv = bootHypervisor({
      kernel, initrd, bootargs: o.append, memoryBytes: o.memory, vcpus: o.harts, paging: o.paging,
      console: watch, disk, consoleInput: { readByte: () => sbiInput.shift() ?? -1 }, engine: o.engine,
    });
    m = hv.machine;
    const uart = hv.vm.devices.uart;
    pushInput = (b) => { uart.pushInput(b); for (const x of b) sbiInput.push(x); };
  }
  const htif = o.htif ? Htif.fromElf(isElf(kernel) ? new Elf64(kernel) : undefined, m, out) : undefined;

  let inputOpen = true;
  let wake: (() => void) | undefined;
  let exitCode: number | undefined;
  let message: string | undefined;
  const finish = (code: number, msg?: string) => { exitCode = code; message = msg; };
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', (b: Buffer) => {
    // Ctrl-A x quits, as in QEMU's -nographic console.
    if (stdin.isTTY && b.length === 2 && b[0] === 1 && b[1] === 0x78) { finish(0, 'hvscope: terminated by Ctrl-A x'); return; }
    pushInput(new Uint8Array(b.buffer, b.byteOffset, b.length));
    wake?.();
  });
  stdin.on('end', () => { inputOpen = false; wake?.(); });
  stdin.on('error', () => { inputOpen = false; });

  try {
    while (exitCode === undefined) {
      let budget = SLICE;
      if (o.maxInsns !== undefined) {
        const left = o.maxInsns - m.retired;
        if (left <= 0) { finish(4, `hvscope: stopped after ${m.retired} instructions (--max-insns)`); break; }
        budget = Math.min(budget, left);
      }
      let why: StopCause;
      if (lockstep) {
        const r = lockstep.run(budget);
        why = r.cause;
        if (r.divergence !== undefined) { out.flush(); finish(6, `hvscope: lockstep divergence ${r.divergence}`); break; }
      } else why = m.run(budget);
      out.flush();
      if (watch.panicked) { finish(2, 'hvscope: the guest kernel panicked (see the console output above)'); break; }
      if (htif) {
        const code = htif.poll();
        if (code !== undefined) { finish(code, code === 0 ? undefined : `hvscope: tohost reported failure ${code}`); break; }
      }
      switch (why.kind) {
        case 'poweroff': finish(why.code); break;
        case 'reset': finish(0, 'hvscope: the guest requested a reset; stopping'); break;
        case 'vm':
          if (why.reason === 'poweroff') finish(why.code, why.code === 0 ? undefined : 'hvscope: the guest powered off reporting a system failure');
          else if (why.reason === 'reboot') finish(0, 'hvscope: the guest requested a reboot; stopping');
          else finish(1, `hvscope: the hypervisor stopped the VM: ${why.reason}`);
          break;
        case 'stuck':
          finish(3, `hvscope: hart ${why.hart} is stuck in a trap loop: ${EXCEPTION_NAMES[why.cause] ?? `cause ${why.cause}`} at pc 0x${why.pc.toString(16)}`);
          break;
        case 'idle':
          if (!inputOpen) finish(5, 'hvscope: every hart waits for an interrupt that can never come (no timer armed, console input closed)');
          else await new Promise<void>((resolve) => { wake = resolve; });
          wake = undefined;
          break;
        case 'budget': break;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    out.flush();
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdin.removeAllListeners('data');
  }
  if (message) process.stderr.write(`${message}\n`);
  if (lockstep && exitCode !== 6) {
    process.stderr.write(`lockstep: interp and jit identical: ${lockstep.interp.retired} and ${lockstep.jit.retired} instructions retired, `
      + `${lockstep.interpOut.length} and ${lockstep.jitOut.length} console bytes\n`);
  }
  if (o.jitStats) {
    if (m.jit) process.stderr.write(`jit: ${Object.entries(m.jit.stats()).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
    else process.stderr.write('jit: off (--engine interp)\n');
  }
  if (o.exits && hv) {
    // The figures of the shadow-vs-nested comparison: guest instructions, hardware page walks
    // (software TLB misses) and the memory references each made (2-D walks read both stages).
    const mem = m.memory;
    process.stderr.write(`guest instructions retired: ${m.retired}\n`
      + `page walks (TLB misses): ${mem.walks}, PTE memory references: ${mem.pteReads}, per walk: ${(mem.pteReads / Math.max(1, mem.walks)).toFixed(2)}\n`);
    process.stderr.write(hv.vm.exitLog.summary({ topPcs: 10 }));
  }
  return exitCode ?? 0;
}

