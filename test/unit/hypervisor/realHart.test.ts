// The VM over the real machine and hart (H extension): a small guest calls SBI, writes the guest
// UART through MMIO emulation, sleeps in WFI until its SBI timer fires, and powers off with SRST —
// in both memory modes.
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { Vm, type MemoryMode } from '../../../src/hypervisor/vm';
import type { GuestHart } from '../../../src/hypervisor/vcpu';
import { FakeSink } from '../devices/fakes';
import { I, R } from '../riscv/hart/asm';
import { CSR } from '../../../src/riscv/hart/csrs';

const MiB = 1024 * 1024;
const ENTRY = 0x8020_0000;

/** li rd, v for a 32-bit positive v. */
function li(rd: number, v: number): number[] {
  const lo = (v << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return hi === 0 ? [I.addi(rd, 0, lo)] : [I.lui(rd, hi), I.addi(rd, rd, lo)];
}

function guest(): Uint8Array {
  const w: number[] = [
    // DBCN console_write_byte('O')
    ...li(R.a7, 0x4442434e), ...li(R.a6, 2), ...li(R.a0, 0x4f), I.ecall(),
    // 'K' to the guest UART THR (0x1000_0000): an MMIO exit
    ...li(R.a0, 0x4b), I.lui(R.a1, 0x10000), I.sb(R.a0, R.a1, 0),
    // set_timer(time + 1000), enable STIE in sie, WFI (SIE stays 0: WFI wakes, no trap taken)
    I.csrr(R.t0, CSR.time), I.addi(R.a0, R.t0, 1000), ...li(R.a7, 0x54494d45), ...li(R.a6, 0), I.ecall(),
    ...li(R.t1, 1 << 5), I.csrrs(0, CSR.sie, R.t1), I.wfi(),
    // '!' after waking, then SRST shutdown
    ...li(R.a0, 0x21), I.lui(R.a1, 0x10000), I.sb(R.a0, R.a1, 0),
    ...li(R.a7, 0x53525354), ...li(R.a6, 0), ...li(R.a0, 0), ...li(R.a1, 0), I.ecall(),
    I.jal(0, 0),
  ];
  const out = new Uint8Array(w.length * 4);
  new DataView(out.buffer).setUint32(0, 0, true);
  w.forEach((x, i) => new DataView(out.buffer).setUint32(4 * i, x >>> 0, true));
  return out;
}

for (const memoryMode of ['nested', 'shadow'] as MemoryMode[]) {
  describe(`hypervisor over the real hart (${memoryMode})`, () => {
    it('boots a guest that uses SBI, MMIO, WFI with the SBI timer, and SRST', function () {
      const sink = new FakeSink();
      const m = new Machine({ memoryBytes: 64 * MiB, harts: 1, console: new FakeSink() });
      const harts: GuestHart[] = m.harts;
      const vm = new Vm({ harts, clock: m, guestRamBytes: 32 * MiB, console: sink, memoryMode, exitLogCapacity: 100_000 });
      vm.boot({ segments: [{ gpa: ENTRY, bytes: guest(), zeroFill: 0 }], entry: ENTRY, fdt: new Uint8Array(64) });
      vm.start();
      let halted: string | undefined;
      m.vmExitHandler = (h) => {
        const o = vm.onHartStopped(h);
        if (o.action === 'halt') { halted = o.request.kind; return { kind: 'vm', reason: o.request.kind, code: 0 }; }
        if (o.action === 'stop') return { kind: 'vm', reason: o.reason, code: 1 };
        return undefined;
      };
      m.timers.push(vm);
      const stop = m.run(200_000);
      assert.equal(sink.text(), "OK!", `stop = ${JSON.stringify(stop, (_k, x) => (typeof x === "bigint" ? `0x${x.toString(16)}` : x))}; first exits: ${JSON.stringify(vm.exitLog.entries().slice(0, 8))}`);
      assert.equal(halted, 'poweroff');
      assert.equal(stop.kind, 'vm');
      const reasons = Object.fromEntries(vm.exitLog.byReason);
      assert.equal(reasons.sbi, 3);
      // In shadow mode device pages are never mapped: MMIO arrives as a VS-stage page fault.
      if (memoryMode === 'nested') assert.equal(reasons.mmio, 2);
      else assert.equal(vm.exitLog.byDetail.get('shadow-page-fault uart0 store'), 2);
      assert.equal(reasons.wfi, 1);
      if (memoryMode === 'shadow') assert.ok((reasons['shadow-page-fault'] ?? 0) > 0, 'hidden faults fill the shadow');
    });
  });
}
