// The default way to run a guest (ARCHITECTURE.md §3.1): the embedded hypervisor. The host machine
// runs one hart per vCPU in VS/VU-mode; every trap into HS-mode ends the hart's run as a VM exit,
// which the TypeScript hypervisor (src/hypervisor) handles before re-entering the guest. The guest
// sees its own device set and a device tree without a CLINT (SBI TIME/IPI, or Sstc).
import { Machine, type StopCause, type EngineKind } from './machine';
import { planImage } from './loaders';
import { buildDeviceTree } from './deviceTree';
import { RAM_BASE } from './memoryMap';
import { Vm, type MemoryMode, type ConsoleInput } from '../hypervisor/vm';
import { GUEST_KERNEL_GPA, guestFdtGpa, guestInitrdGpa } from '../hypervisor/boot';
import type { BlockBackend, ByteSink } from '../devices/device';
import { UserError } from '../common/errors';

/** What the guest's device tree advertises: RV64GC, Sstc; no H (the guest is not a hypervisor). */
export const GUEST_ISA = 'rv64imafdc_zicsr_zifencei_zihintpause_sstc';

const MiB = 1024 * 1024;
/** Host RAM reserved for G-stage and shadow page tables. */
const TABLES_BYTES = 32 * MiB;

export interface HypervisorBootOptions {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  bootargs?: string;
  /** Guest RAM in bytes (multiple of 2 MiB). */
  memoryBytes: number;
  vcpus: number;
  paging: MemoryMode;
  /** Guest console output (UART and SBI console). */
  console: ByteSink;
  consoleInput?: ConsoleInput;
  disk?: BlockBackend;
  /** Execution engine of the host machine (default: the translator). */
  engine?: EngineKind;
}

export interface HypervisorSystem {
  machine: Machine;
  vm: Vm;
  /** Why the VM stopped, when it did (SRST, SiFive test, or an unhandled exit). */
  readonly halted: { kind: string; code: number; reason: string } | undefined;
}

export function bootHypervisor(o: HypervisorBootOptions): HypervisorSystem {
  if (o.memoryBytes % (2 * MiB) !== 0) throw new UserError(`--memory: guest RAM must be a multiple of 2 MiB under the hypervisor`);
  // The host machine's RAM holds the hypervisor's tables and the guest's RAM (at a different
  // address than the guest sees: GPA 0x8000_0000 is not HPA 0x8000_0000).
  const machine = new Machine({ memoryBytes: o.memoryBytes + TABLES_BYTES, harts: o.vcpus, console: { write() { /* the host UART is not the guest's */ } }, engine: o.engine });
  const vm = new Vm({
    harts: machine.harts, clock: machine, guestRamBytes: o.memoryBytes, tablesBytes: TABLES_BYTES,
    memoryMode: o.paging, sstc: true, console: o.console, consoleInput: o.consoleInput, disk: o.disk,
  });
  const region = { base: RAM_BASE, size: o.memoryBytes };
  const plan = planImage(o.kernel, { ramBase: RAM_BASE, rawLoadAddr: GUEST_KERNEL_GPA, region });
  const initrdGpa = guestInitrdGpa(o.memoryBytes);
  const initrd = o.initrd ? { start: initrdGpa, end: initrdGpa + o.initrd.length } : undefined;
  const fdt = buildDeviceTree({
    harts: o.vcpus, memoryBytes: o.memoryBytes, isa: GUEST_ISA, mmuType: 'sv57',
    bootargs: o.bootargs, initrd, hypervisorGuest: true,
  });
  vm.boot({
    segments: plan.segments.map((s) => ({ gpa: s.addr, bytes: s.bytes, zeroFill: s.zeroFill })),
    entry: plan.entry, fdt, fdtGpa: guestFdtGpa(o.memoryBytes, fdt.length),
    initrd: o.initrd ? { gpa: initrdGpa, bytes: o.initrd } : undefined,
  });
  const sys: { machine: Machine; vm: Vm; halted: HypervisorSystem['halted'] } = { machine, vm, halted: undefined };
  machine.vmExitHandler = (h): StopCause | undefined => {
    const out = vm.onHartStopped(h);
    if (out.action === 'halt') {
      const code = out.request.kind === 'poweroff' ? out.request.code : 0;
      sys.halted = { kind: out.request.kind, code, reason: out.request.kind };
      return { kind: 'vm', reason: out.request.kind, code };
    }
    if (out.action === 'stop') {
      sys.halted = { kind: 'stop', code: 1, reason: out.reason };
      return { kind: 'vm', reason: out.reason, code: 1 };
    }
    return undefined;
  };
  machine.timers.push(vm);
  vm.start();
  return sys;
}
