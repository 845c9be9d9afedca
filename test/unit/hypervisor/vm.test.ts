import assert from 'node:assert/strict';
import { CAUSE, CSR, MIP_VSEIP, MIP_VSTIP } from '../../../src/riscv/hart/csrs';
import { SatpMode } from '../../../src/mmu/pte';
import { atpMode, atpPpn } from '../../../src/mmu/walker';
import * as G from '../../../src/hypervisor/guestDevices';
import * as MAP from '../../../src/machine/memoryMap';
import { guestFdtGpa, guestInitrdGpa } from '../../../src/hypervisor/boot';
import { I, R } from '../riscv/hart/asm';
import { trapStep } from './fakeHart';
import { ENTRY, MiB, makeVm } from './vmHarness';

const PC = ENTRY + 0x800;

describe('hypervisor/vm', () => {
  it('boots: kernel and FDT in guest RAM, a0 = hart id, a1 = FDT, nested-mode CSRs', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    assert.equal(hx.fdtGpa, guestFdtGpa(32 * MiB, hx.fdt.length));
    const got = new Uint8Array(hx.fdt.length);
    assert.ok(hx.vm.guestMem.readPhys(hx.fdtGpa, got));
    assert.deepEqual(got, hx.fdt);
    const hostOff = hx.vm.layout.guestRamHpa - h.ram.base + (ENTRY - 0x8000_0000);
    assert.equal(h.ram.u8[hostOff], 0x13, 'kernel at GPA 0x8020_0000, in its host range');
    assert.equal(h.ram.u8[ENTRY - 0x8000_0000], 0, 'not at the identical host address');
    assert.equal(h.virt, true);
    assert.equal(h.priv, 1);
    assert.equal(h.pcLo, ENTRY | 0);
    assert.deepEqual([h.reg(10), h.reg(11)], [0n, BigInt(hx.fdtGpa)]);
    const hs = h.csr.get(CSR.hstatus);
    assert.equal(hs & (1 << 7), 1 << 7, 'SPV');
    assert.equal(hs & (1 << 21), 1 << 21, 'VTW');
    assert.equal(hs & (1 << 20), 0, 'no VTVM in nested mode');
    assert.equal(h.csr.getHi(CSR.hstatus) & 3, 2, 'VSXL = 64');
    assert.equal(h.csr.get(CSR.hedeleg) & 0xb000, 0xb000, 'page faults delegated');
    assert.equal(h.csr.get(CSR.hedeleg) & (1 << 10), 0, 'ecall from VS is ours');
    assert.equal(h.csr.get(CSR.hideleg), 0x444);
    const hg = [h.csr.get(CSR.hgatp), h.csr.getHi(CSR.hgatp)];
    assert.equal(atpMode(hg[1]), SatpMode.Sv39, 'Sv39x4');
    assert.equal(atpPpn(hg[0], hg[1]) * 4096, hx.vm.gstage.rootHpa);
    assert.equal(h.interceptHs, true);
    assert.equal(hx.vm.vcpus[0].state, 'running');
    assert.equal(guestInitrdGpa(64 * MiB), 0x8000_0000 + 32 * MiB);
    assert.equal(guestInitrdGpa(512 * MiB), 0x8000_0000 + 128 * MiB);
  });

  it('rejects images that do not fit guest RAM', () => {
    const hx = makeVm();
    assert.throws(() => hx.vm.boot({ segments: [{ gpa: 0x8000_0000 + 31 * MiB, bytes: new Uint8Array(2 * MiB), zeroFill: 0 }], entry: ENTRY, fdt: hx.fdt }), /does not fit/);
    assert.throws(() => hx.vm.boot({ segments: [{ gpa: ENTRY, bytes: new Uint8Array(16), zeroFill: 0 }], entry: ENTRY, fdt: hx.fdt, fdtGpa: ENTRY + 8 }), /overlaps/);
  });

  it('shadow mode: VTVM, hgatp Bare, vsatp = the shadow root, page faults not delegated', () => {
    const hx = makeVm({ memoryMode: 'shadow' });
    const h = hx.harts[0];
    assert.equal(h.csr.get(CSR.hstatus) & (1 << 20), 1 << 20);
    assert.equal(h.csr.get(CSR.hgatp) | h.csr.getHi(CSR.hgatp), 0);
    assert.equal(h.csr.get(CSR.hedeleg) & 0xb000, 0);
    const sp = hx.vm.vcpus[0].shadow!;
    assert.deepEqual([h.csr.get(CSR.vsatp), h.csr.getHi(CSR.vsatp)], sp.vsatp());
    assert.ok(hx.vm.pool.contains(sp.rootHpa));
  });

  it('MMIO store from htinst reaches the guest UART; sepc moves by the instruction length', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    h.setReg(R.a0, 0x48);
    // c.sb does not exist: a compressed c.sw transformed (bit 1 clear) to THR.
    h.steps.push(trapStep({ cause: CAUSE.STORE_GUEST_PAGE_FAULT, pc: PC, gpa: G.GUEST_UART0_BASE, stval: G.GUEST_UART0_BASE, gva: true, htinst: I.sw(R.a0, 0, 0) & ~2 }));
    const r = hx.vm.run(hx.vm.vcpus[0], 100, { stopOnExit: true });
    assert.equal(r.kind, 'exit');
    assert.equal(hx.sink.text(), 'H');
    assert.equal(h.pcLo, (PC + 2) | 0);
    const e = hx.vm.vcpus[0].lastExit!;
    assert.equal(e.kind, 'guest-page-fault');
    if (e.kind === 'guest-page-fault') { assert.equal(e.insnSource, 'htinst'); assert.equal(e.gpa, G.GUEST_UART0_BASE); }
    assert.equal(hx.vm.exitLog.byDetail.get('mmio uart0 store'), 1);
  });

  it('MMIO load with htinst = 0 decodes the instruction from guest memory (compressed and not)', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    hx.vm.guestMem.writePhys(PC, Uint8Array.of(0xc8, 0x41)); // c.lw a0, 4(a1)
    const lw = I.lw(R.a2, R.a1, 5);
    hx.vm.guestMem.writePhys(PC + 2, Uint8Array.of(lw & 0xff, (lw >>> 8) & 0xff, (lw >>> 16) & 0xff, lw >>> 24));
    // UART LSR (offset 5): THRE|TEMT set when idle.
    h.setReg(R.a0, -1); h.setReg(R.a2, -1);
    h.steps.push(trapStep({ cause: CAUSE.LOAD_GUEST_PAGE_FAULT, pc: PC, gpa: G.GUEST_UART0_BASE + 4, stval: G.GUEST_UART0_BASE + 4 }));
    h.steps.push(trapStep({ cause: CAUSE.LOAD_GUEST_PAGE_FAULT, pc: PC + 2, gpa: G.GUEST_UART0_BASE + 5, stval: G.GUEST_UART0_BASE + 5 }));
    assert.equal(hx.vm.run(hx.vm.vcpus[0], 100).kind, 'budget');
    assert.equal(h.reg(R.a0), 0n, 'IER reads 0');
    assert.equal(h.reg(R.a2), 0x60n, 'LSR: THRE | TEMT');
    assert.equal(h.pcLo, (PC + 6) | 0);
    assert.equal(hx.vm.exitLog.byReason.get('mmio'), 2);
  });

  it('unmapped GPAs and instruction fetches outside RAM inject access faults', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    h.steps.push(trapStep({ cause: CAUSE.LOAD_GUEST_PAGE_FAULT, pc: PC, gpa: 0x2000_0000, stval: 0x2000_0000, gva: true, htinst: I.lw(R.a0, 0, 0) }));
    h.steps.push(trapStep({ cause: CAUSE.FETCH_GUEST_PAGE_FAULT, pc: 0x4000_0000, gpa: 0x4000_0000, stval: 0x4000_0000 }));
    h.steps.push(trapStep({ cause: CAUSE.STORE_GUEST_PAGE_FAULT, pc: PC, gpa: G.GUEST_UART0_BASE, stval: 0x1000, htinst: I.amoaddW(R.a0, R.a1, 0) }));
    hx.vm.run(hx.vm.vcpus[0], 100);
    assert.deepEqual(h.injected.map((i) => i.cause), [CAUSE.LOAD_ACCESS, CAUSE.FETCH_ACCESS, CAUSE.STORE_ACCESS]);
    assert.equal(h.injected[0].tvalLo, 0x2000_0000);
  });

  it('the guest PLIC S-context drives hvip.VSEIP; the test device halts the VM', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    const plic = hx.vm.devices.plic;
    plic.write(4 * G.GUEST_UART0_IRQ, 4, 1);                 // priority
    plic.write(0x2000 + 0x80 * 1, 4, 1 << G.GUEST_UART0_IRQ); // enable for context 1 (vCPU 0, S)
    plic.source(G.GUEST_UART0_IRQ).set(true);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSEIP, MIP_VSEIP);
    plic.source(G.GUEST_UART0_IRQ).set(false);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSEIP, 0);
    h.setReg(R.a0, 0x5555);
    h.steps.push(trapStep({ cause: CAUSE.STORE_GUEST_PAGE_FAULT, pc: PC, gpa: G.GUEST_SIFIVE_TEST_BASE, htinst: I.sw(R.a0, 0, 0) }));
    assert.deepEqual(hx.vm.run(hx.vm.vcpus[0], 100), { kind: 'halt', request: { kind: 'poweroff', code: 0 } });
  });

  it('WFI waits until a timer interrupt is pending and enabled, then resumes after the WFI', () => {
    const hx = makeVm();
    const v = hx.vm.vcpus[0], h = hx.harts[0];
    hx.vm.setTimer(v, 500, 0);
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC, stval: I.wfi() }));
    assert.deepEqual(hx.vm.run(v, 100), { kind: 'waiting', state: 'wfi' });
    assert.equal(v.state, 'wfi');
    assert.ok(hx.vm.allWaiting());
    assert.equal(hx.vm.nextDeadline(), 500);
    hx.clock.t = 600;
    assert.deepEqual(hx.vm.run(v, 100), { kind: 'waiting', state: 'wfi' }, 'timer pending but vsie.STIE clear');
    h.csr.writeRaw(CSR.vsie, 1 << 5, 0);
    assert.ok(!hx.vm.allWaiting());
    const srets = h.srets;
    assert.equal(hx.vm.run(v, 100).kind, 'budget');
    assert.equal(h.srets, srets + 1);
    assert.equal(h.pcLo, (PC + 4) | 0);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSTIP, MIP_VSTIP);
    // A WFI with an interrupt already pending does not wait.
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC + 8, stval: I.wfi() }));
    assert.equal(hx.vm.run(v, 100).kind, 'budget');
    assert.equal(h.pcLo, (PC + 12) | 0);
    assert.equal(hx.vm.exitLog.byReason.get('wfi'), 2);
  });

  it('shadow mode emulates satp accesses and sfence.vma; other virtual instructions become illegal', () => {
    const hx = makeVm({ memoryMode: 'shadow' });
    const v = hx.vm.vcpus[0], h = hx.harts[0];
    const sp = v.shadow!;
    const satp = (SatpMode.Sv39 << 28) | 0; // high half
    h.setReg(R.a1, 0x80100, satp);
    h.setReg(R.a0, 123);
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC, stval: I.csrrw(R.a0, CSR.satp, R.a1) }));
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC + 4, stval: I.csrr(R.a2, CSR.satp) }));
    const flushes = sp.stats.flushes;
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC + 8, stval: I.sfenceVma() }));
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC + 12, stval: I.sfenceVma(R.a1) }));
    h.steps.push(trapStep({ cause: CAUSE.VIRTUAL_INSTRUCTION, pc: PC + 16, stval: 0x62000073 })); // hfence.gvma
    const tlbFlushes = h.flushes;
    hx.vm.run(v, 100);
    assert.equal(h.pageFlushes, 1, 'sfence.vma with an address drops only that page from the TLB');
    assert.equal(h.reg(R.a0), 0n, 'old satp (Bare)');
    assert.deepEqual([sp.satpLo, sp.satpHi], [0x80100, satp]);
    assert.equal(h.reg(R.a2), (BigInt(satp >>> 0) << 32n) | 0x80100n);
    assert.equal(sp.stats.flushes, flushes + 2, 'the satp write and the sfence.vma each flushed');
    assert.equal(h.flushes, tlbFlushes + 3, 'the two satp accesses and the full sfence.vma flush the whole TLB, the page one does not');
    assert.deepEqual([h.csr.get(CSR.vsatp), h.csr.getHi(CSR.vsatp)], sp.vsatp(), 'vsatp follows the shadow root');
    assert.deepEqual(h.injected.map((i) => [i.cause, i.tvalLo]), [[CAUSE.ILLEGAL_INSTRUCTION, 0x62000073]]);
    assert.equal(h.pcLo | 0, h.csr.get(CSR.vstvec) | 0, 'guest entered at its trap vector');
    assert.equal(h.csr.get(CSR.vsepc), (PC + 16) | 0);
  });

  it('shadow mode: a hidden page fault fills the shadow and re-executes', () => {
    const hx = makeVm({ memoryMode: 'shadow' });
    const v = hx.vm.vcpus[0], h = hx.harts[0];
    h.steps.push(trapStep({ cause: CAUSE.LOAD_PAGE_FAULT, pc: PC, stval: 0x8040_0000 }));
    h.steps.push(trapStep({ cause: CAUSE.STORE_PAGE_FAULT, pc: PC, stval: G.GUEST_UART0_BASE, htinst: I.sb(R.a0, 0, 0) }));
    h.setReg(R.a0, 0x21);
    hx.vm.run(v, 100);
    assert.equal(v.shadow!.stats.fills, 1);
    assert.equal(hx.sink.text(), '!', 'MMIO through the shadow');
    assert.equal(h.injected.length, 0);
    assert.equal(hx.vm.stats().shadow?.fills, 1);
  });

  it('the guest device map equals the machine memory map', () => {
    assert.equal(G.GUEST_UART0_BASE, MAP.UART0_BASE);
    assert.equal(G.GUEST_UART0_IRQ, MAP.UART0_IRQ);
    assert.equal(G.GUEST_PLIC_BASE, MAP.PLIC_BASE);
    assert.equal(G.GUEST_PLIC_SIZE, MAP.PLIC_SIZE);
    assert.equal(G.GUEST_RTC_BASE, MAP.RTC_BASE);
    assert.equal(G.GUEST_RTC_IRQ, MAP.RTC_IRQ);
    assert.equal(G.GUEST_SIFIVE_TEST_BASE, MAP.SIFIVE_TEST_BASE);
    assert.equal(G.GUEST_VIRTIO_MMIO_BASE, MAP.VIRTIO_MMIO_BASE);
    assert.equal(G.GUEST_VIRTIO_MMIO_COUNT, MAP.VIRTIO_MMIO_COUNT);
    assert.equal(G.GUEST_VIRTIO_MMIO_IRQ_BASE, MAP.VIRTIO_MMIO_IRQ_BASE);
  });
});
