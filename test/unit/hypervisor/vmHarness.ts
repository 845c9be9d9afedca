// Builds a Vm over fake harts for the hypervisor tests. Not a test file itself.
import { Vm, type VmConfig } from '../../../src/hypervisor/vm';
import { FakeClock, FakeSink } from '../devices/fakes';
import { FakeHart, hostRam, trapStep } from './fakeHart';
import { CAUSE } from '../../../src/riscv/hart/csrs';

export const ENTRY = 0x8020_0000;
export const MiB = 1024 * 1024;

export interface Harness {
  vm: Vm;
  harts: FakeHart[];
  clock: FakeClock;
  sink: FakeSink;
  input: number[];
  fdt: Uint8Array;
  fdtGpa: number;
}

export function makeVm(opts: Partial<VmConfig> & { vcpus?: number } = {}): Harness {
  const ram = hostRam(64 * MiB);
  const clock = new FakeClock();
  const harts = Array.from({ length: opts.vcpus ?? 1 }, (_, i) => new FakeHart(i, ram, () => clock.now()));
  const sink = new FakeSink();
  const input: number[] = [];
  const vm = new Vm({
    harts, clock, console: sink, guestRamBytes: 32 * MiB, tablesBytes: 8 * MiB,
    consoleInput: { readByte: () => input.shift() ?? -1 },
    ...opts,
  });
  const fdt = Uint8Array.from([0xd0, 0x0d, 0xfe, 0xed, 1, 2, 3, 4]);
  const kernel = Uint8Array.from([0x13, 0, 0, 0]);
  const { fdtGpa } = vm.boot({ segments: [{ gpa: ENTRY, bytes: kernel, zeroFill: 0x1000 }], entry: ENTRY, fdt });
  // Enter the guest once (the fake hart runs nothing), so later calls see the booted state.
  if (vm.run(vm.vcpus[0], 1).kind !== 'budget') throw new Error('boot entry failed');
  return { vm, harts, clock, sink, input, fdt, fdtGpa };
}

/** Register value of a fake hart as a bigint (unsigned). */
export const reg = (h: FakeHart, r: number): bigint => h.reg(r);

/**
 * Performs an SBI call from vCPU `v`: sets a7/a6/a0.., scripts an ECALL exit at `pc` and runs
 * until that exit has been handled. Returns [a0, a1] as signed bigints and the run result.
 */
export function sbiCall(hx: Harness, v: number, ext: number, fid: number, args: (number | bigint)[] = [], pc = ENTRY + 0x100) {
  const h = hx.harts[v];
  h.setReg(17, ext | 0, 0);
  h.setReg(16, fid | 0, 0);
  args.forEach((a, i) => {
    const b = BigInt.asUintN(64, BigInt(a));
    h.setReg(10 + i, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0);
  });
  h.steps.push(trapStep({ cause: CAUSE.ECALL_VS, pc }));
  const result = hx.vm.run(hx.vm.vcpus[v], 1000, { stopOnExit: true });
  return { a0: BigInt.asIntN(64, h.reg(10)), a1: BigInt.asIntN(64, h.reg(11)), result };
}
