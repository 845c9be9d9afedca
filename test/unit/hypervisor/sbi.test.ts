import assert from 'node:assert/strict';
import { CSR, MIP_VSSIP, MIP_VSTIP } from '../../../src/riscv/hart/csrs';
import { EID, SBI_IMPL_ID } from '../../../src/hypervisor/sbi/types';
import { SbiDispatcher } from '../../../src/hypervisor/sbi/dispatch';
import { ENTRY, makeVm, sbiCall } from './vmHarness';

const NOT_SUPPORTED = -2n, INVALID_PARAM = -3n, INVALID_ADDRESS = -5n, ALREADY_AVAILABLE = -6n;

describe('hypervisor/sbi', () => {
  it('returns a0/a1 and moves sepc past the ECALL', () => {
    const hx = makeVm();
    const r = sbiCall(hx, 0, EID.BASE, 0);
    assert.equal(r.a0, 0n);
    assert.equal(r.a1, 0x02000000n, 'SBI v2.0');
    assert.equal(r.result.kind, 'exit');
    assert.equal(hx.harts[0].pcLo, (ENTRY + 0x104) | 0, 'resumed after the ecall');
    assert.equal(hx.harts[0].virt, true);
    assert.equal(hx.vm.exitLog.byDetail.get('sbi BASE.get_spec_version'), 1);
  });

  it('BASE: impl id/version, probe, machine ids, unknown function', () => {
    const hx = makeVm();
    assert.equal(sbiCall(hx, 0, EID.BASE, 1).a1, BigInt(SBI_IMPL_ID));
    assert.equal(sbiCall(hx, 0, EID.BASE, 2).a0, 0n);
    for (const e of [EID.BASE, EID.TIME, EID.IPI, EID.RFENCE, EID.HSM, EID.SRST, EID.DBCN, 0x00, 0x01, 0x08]) {
      assert.equal(sbiCall(hx, 0, EID.BASE, 3, [e]).a1, 1n, `probe 0x${e.toString(16)}`);
    }
    assert.equal(sbiCall(hx, 0, EID.BASE, 3, [0x12345]).a1, 0n);
    assert.equal(sbiCall(hx, 0, EID.BASE, 3, [0x1_0000_0010n]).a1, 0n, 'EIDs are 32-bit');
    for (const fid of [4, 5, 6]) assert.deepEqual([sbiCall(hx, 0, EID.BASE, fid).a0, sbiCall(hx, 0, EID.BASE, fid).a1], [0n, 0n]);
    assert.equal(sbiCall(hx, 0, EID.BASE, 7).a0, NOT_SUPPORTED);
  });

  it('unknown extensions and functions return SBI_ERR_NOT_SUPPORTED', () => {
    const hx = makeVm();
    assert.equal(sbiCall(hx, 0, 0x0a000000, 0).a0, NOT_SUPPORTED);
    assert.equal(sbiCall(hx, 0, 0x09, 0).a0, NOT_SUPPORTED, 'reserved legacy EID');
    for (const e of [EID.TIME, EID.IPI, EID.SRST]) assert.equal(sbiCall(hx, 0, e, 1).a0, NOT_SUPPORTED);
    assert.equal(sbiCall(hx, 0, EID.DBCN, 3).a0, NOT_SUPPORTED);
    assert.equal(sbiCall(hx, 0, EID.HSM, 4).a0, NOT_SUPPORTED);
    assert.equal(new SbiDispatcher().describe({ ext: 0x1234, fid: 2, args: new Int32Array(12) }), '0x1234.2');
  });

  it('TIME: set_timer drives hvip.VSTIP from guest time, and clears it', () => {
    const hx = makeVm();
    const h = hx.harts[0];
    hx.clock.t = 50;
    assert.equal(sbiCall(hx, 0, EID.TIME, 0, [100]).a0, 0n);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSTIP, 0);
    assert.equal(hx.vm.nextDeadline(), 100);
    hx.clock.t = 100;
    sbiCall(hx, 0, EID.BASE, 0); // any run re-evaluates the timer
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSTIP, MIP_VSTIP);
    sbiCall(hx, 0, EID.TIME, 0, [-1n]);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSTIP, 0, 'a deadline at infinity clears the pending timer');
    sbiCall(hx, 0, EID.LEGACY_SET_TIMER, 0, [10]);
    assert.equal(h.csr.get(CSR.hvip) & MIP_VSTIP, MIP_VSTIP, 'legacy set_timer');
  });

  it('TIME with Sstc writes vstimecmp', () => {
    const hx = makeVm({ sstc: true });
    sbiCall(hx, 0, EID.TIME, 0, [0x1_2345_6789n]);
    assert.deepEqual([hx.harts[0].csr.get(CSR.vstimecmp), hx.harts[0].csr.getHi(CSR.vstimecmp)], [0x23456789, 1]);
    assert.equal(hx.harts[0].csr.getHi(CSR.henvcfg) >>> 31, 1, 'henvcfg.STCE');
    assert.equal(hx.vm.nextDeadline(), 0x1_2345_6789);
  });

  it('IPI: send_ipi by mask and base, all harts with base -1, invalid harts rejected', () => {
    const hx = makeVm({ vcpus: 3 });
    const vssip = (i: number): number => hx.harts[i].csr.get(CSR.hvip) & MIP_VSSIP;
    assert.equal(sbiCall(hx, 0, EID.IPI, 0, [0b10, 0]).a0, 0n);
    assert.deepEqual([vssip(0), vssip(1), vssip(2)], [0, MIP_VSSIP, 0]);
    assert.equal(sbiCall(hx, 0, EID.IPI, 0, [0b1, 2]).a0, 0n);
    assert.equal(vssip(2), MIP_VSSIP);
    assert.equal(sbiCall(hx, 0, EID.IPI, 0, [0b11, 2]).a0, INVALID_PARAM, 'hart 3 does not exist');
    assert.equal(vssip(0), 0, 'nothing sent when one target is invalid');
    assert.equal(sbiCall(hx, 0, EID.IPI, 0, [0, -1n]).a0, 0n);
    assert.equal(vssip(0), MIP_VSSIP);
    // legacy clear_ipi: 1 when one was pending, then 0
    assert.equal(sbiCall(hx, 0, EID.LEGACY_CLEAR_IPI, 0).a0, 1n);
    assert.equal(sbiCall(hx, 0, EID.LEGACY_CLEAR_IPI, 0).a0, 0n);
  });

  it('RFENCE: forwards fences to the targets, no HFENCE for a guest without H', () => {
    const hx = makeVm({ vcpus: 2 });
    const f0 = hx.harts[1].flushes;
    assert.equal(sbiCall(hx, 0, EID.RFENCE, 1, [0b10, 0, 0x1000, 0x2000]).a0, 0n);
    assert.equal(sbiCall(hx, 0, EID.RFENCE, 2, [0b10, 0, 0, 0, 7]).a0, 0n);
    assert.equal(sbiCall(hx, 0, EID.RFENCE, 0, [0, -1n]).a0, 0n);
    assert.equal(hx.harts[1].flushes - f0, 3);
    assert.equal(sbiCall(hx, 0, EID.RFENCE, 1, [0b100, 0, 0, 0]).a0, INVALID_PARAM);
    for (const fid of [3, 4, 5, 6]) assert.equal(sbiCall(hx, 0, EID.RFENCE, fid, [1, 0]).a0, NOT_SUPPORTED);
  });

  it('RFENCE in shadow mode flushes the target shadow tables', () => {
    const hx = makeVm({ vcpus: 2, memoryMode: 'shadow' });
    const before = hx.vm.vcpus[1].shadow!.stats.flushes;
    sbiCall(hx, 0, EID.RFENCE, 1, [0b11, 0, 0, 0]);
    assert.equal(hx.vm.vcpus[1].shadow!.stats.flushes, before + 1);
  });

  it('HSM: start, get_status, stop, errors', () => {
    const hx = makeVm({ vcpus: 2 });
    const [v0, v1] = hx.vm.vcpus;
    assert.equal(sbiCall(hx, 0, EID.HSM, 2, [1]).a1, 1n, 'STOPPED');
    assert.equal(sbiCall(hx, 0, EID.HSM, 2, [0]).a1, 0n, 'STARTED');
    assert.equal(sbiCall(hx, 0, EID.HSM, 2, [2]).a0, INVALID_PARAM);
    assert.equal(hx.vm.run(v1, 100).kind, 'waiting', 'a stopped vCPU does not run');
    assert.equal(sbiCall(hx, 0, EID.HSM, 0, [1, 0x1000_0000, 0]).a0, INVALID_ADDRESS);
    assert.equal(sbiCall(hx, 0, EID.HSM, 0, [7, ENTRY, 0]).a0, INVALID_PARAM);
    assert.equal(sbiCall(hx, 0, EID.HSM, 0, [0, ENTRY, 0]).a0, ALREADY_AVAILABLE);
    assert.equal(sbiCall(hx, 0, EID.HSM, 0, [1, 0x8030_0000, 0xabcd_0000_1234n]).a0, 0n);
    assert.equal(sbiCall(hx, 0, EID.HSM, 0, [1, 0x8030_0000, 0]).a0, ALREADY_AVAILABLE);
    assert.equal(sbiCall(hx, 0, EID.HSM, 2, [1]).a1, 0n, 'STARTED');
    assert.equal(hx.vm.run(v1, 100).kind, 'budget');
    const h1 = hx.harts[1];
    assert.equal(h1.virt, true);
    assert.equal(h1.priv, 1);
    assert.equal(h1.pcLo, 0x8030_0000 | 0);
    assert.equal(h1.reg(10), 1n);
    assert.equal(h1.reg(11), 0xabcd_0000_1234n);
    assert.equal(h1.csr.get(CSR.vsatp), 0, 'satp = 0');
    // hart_stop from vCPU 1
    const stop = sbiCall(hx, 1, EID.HSM, 1);
    assert.deepEqual(stop.result, { kind: 'waiting', state: 'stopped' });
    assert.equal(v1.state, 'stopped');
    assert.equal(sbiCall(hx, 0, EID.HSM, 2, [1]).a1, 1n);
    assert.equal(v0.state, 'running');
  });

  it('HSM: retentive suspend waits for an interrupt and returns 0; non-retentive resumes at resume_addr', () => {
    const hx = makeVm();
    const v = hx.vm.vcpus[0], h = hx.harts[0];
    assert.equal(sbiCall(hx, 0, EID.HSM, 3, [5, 0, 0]).a0, INVALID_PARAM, 'reserved type');
    assert.equal(sbiCall(hx, 0, EID.HSM, 3, [0x9000_0000, 0, 0]).a0, INVALID_PARAM, 'platform-specific, unimplemented');
    h.setReg(10, 77);
    const r = sbiCall(hx, 0, EID.HSM, 3, [0, 0, 0], ENTRY + 0x40);
    assert.deepEqual(r.result, { kind: 'waiting', state: 'suspended' });
    assert.equal(r.a0, 0n);
    assert.deepEqual(hx.vm.run(v, 10), { kind: 'waiting', state: 'suspended' });
    // An IPI arrives and vsie.SSIE is set: the vCPU resumes after the ECALL.
    h.csr.writeRaw(CSR.vsie, 1 << 1, 0);
    hx.vm.sendIpi(v);
    assert.equal(hx.vm.run(v, 10).kind, 'budget');
    assert.equal(v.state, 'running');
    assert.equal(h.pcLo, (ENTRY + 0x44) | 0);
    // Non-retentive
    assert.equal(sbiCall(hx, 0, EID.HSM, 3, [0x8000_0000, 0x1000, 0]).a0, INVALID_ADDRESS);
    const nr = sbiCall(hx, 0, EID.HSM, 3, [0x8000_0000, 0x8040_0000, 99]);
    assert.deepEqual(nr.result, { kind: 'waiting', state: 'suspended' });
    assert.equal(hx.vm.run(v, 10).kind, 'budget', 'VSSIP is still pending: wakes at once');
    assert.equal(h.pcLo, 0x8040_0000 | 0);
    assert.deepEqual([h.reg(10), h.reg(11)], [0n, 99n]);
  });

  it('SRST: shutdown, reboot, failure code, invalid parameters', () => {
    const hx = makeVm();
    assert.deepEqual(sbiCall(hx, 0, EID.SRST, 0, [0, 0]).result, { kind: 'halt', request: { kind: 'poweroff', code: 0 } });
    assert.deepEqual(sbiCall(hx, 0, EID.SRST, 0, [0, 1]).result, { kind: 'halt', request: { kind: 'poweroff', code: 1 } });
    assert.deepEqual(sbiCall(hx, 0, EID.SRST, 0, [1, 0]).result, { kind: 'halt', request: { kind: 'reboot' } });
    assert.deepEqual(sbiCall(hx, 0, EID.SRST, 0, [2, 0]).result, { kind: 'halt', request: { kind: 'reboot' } });
    assert.equal(sbiCall(hx, 0, EID.SRST, 0, [3, 0]).a0, INVALID_PARAM);
    assert.equal(sbiCall(hx, 0, EID.SRST, 0, [0xf000_0000, 0]).a0, INVALID_PARAM);
    assert.equal(sbiCall(hx, 0, EID.SRST, 0, [0, 2]).a0, INVALID_PARAM);
    assert.deepEqual(sbiCall(hx, 0, EID.LEGACY_SHUTDOWN, 0).result, { kind: 'halt', request: { kind: 'poweroff', code: 0 } });
  });

  it('DBCN: write, read, write_byte, bad buffers', () => {
    const hx = makeVm();
    hx.vm.guestMem.writePhys(0x8040_0000, new TextEncoder().encode('hi!'));
    assert.deepEqual([sbiCall(hx, 0, EID.DBCN, 0, [3, 0x8040_0000, 0]).a0, sbiCall(hx, 0, EID.DBCN, 2, [0x0a]).a0], [0n, 0n]);
    assert.equal(hx.sink.text(), 'hi!\n');
    assert.equal(sbiCall(hx, 0, EID.DBCN, 0, [3, 0x8040_0000, 0]).a1, 3n);
    assert.equal(sbiCall(hx, 0, EID.DBCN, 0, [4, 0x1000_0000, 0]).a0, INVALID_PARAM, 'not RAM');
    assert.equal(sbiCall(hx, 0, EID.DBCN, 0, [4, 0x8040_0000, 1]).a0, INVALID_PARAM, 'base_addr_hi must be 0 on RV64');
    assert.equal(sbiCall(hx, 0, EID.DBCN, 1, [8, 0x8040_0100, 0]).a1, 0n, 'nothing to read');
    hx.input.push(0x41, 0x42);
    const r = sbiCall(hx, 0, EID.DBCN, 1, [8, 0x8040_0100, 0]);
    assert.deepEqual([r.a0, r.a1], [0n, 2n]);
    const got = new Uint8Array(2);
    hx.vm.guestMem.readPhys(0x8040_0100, got);
    assert.deepEqual([...got], [0x41, 0x42]);
  });

  it('legacy console and send_ipi through a guest-virtual hart mask', () => {
    const hx = makeVm({ vcpus: 2 });
    const h = hx.harts[0];
    h.setReg(11, 0x5555);
    assert.equal(sbiCall(hx, 0, EID.LEGACY_CONSOLE_PUTCHAR, 0, [0x7a]).a0, 0n);
    assert.equal(hx.sink.text(), 'z');
    assert.equal(h.reg(11), 0x5555n, 'legacy calls leave a1 alone');
    assert.equal(sbiCall(hx, 0, EID.LEGACY_CONSOLE_GETCHAR, 0).a0, -1n);
    hx.input.push(0x31);
    assert.equal(sbiCall(hx, 0, EID.LEGACY_CONSOLE_GETCHAR, 0).a0, 0x31n);
    // vsatp is Bare at boot: the hart-mask pointer is a GPA.
    hx.vm.guestMem.writePhys(0x8050_0000, Uint8Array.of(0b10, 0, 0, 0, 0, 0, 0, 0));
    assert.equal(sbiCall(hx, 0, EID.LEGACY_SEND_IPI, 0, [0x8050_0000]).a0, 0n);
    assert.equal(hx.harts[1].csr.get(CSR.hvip) & MIP_VSSIP, MIP_VSSIP);
    assert.equal(hx.harts[0].csr.get(CSR.hvip) & MIP_VSSIP, 0);
    const f = hx.harts[1].flushes;
    sbiCall(hx, 0, EID.LEGACY_REMOTE_SFENCE_VMA, 0, [0x8050_0000, 0, 0]);
    assert.equal(hx.harts[1].flushes, f + 1);
    // A mask pointer the guest cannot read: load access fault injected at the ECALL.
    const r = sbiCall(hx, 0, EID.LEGACY_SEND_IPI, 0, [0x1000_0000], ENTRY + 0x200);
    assert.equal(r.result.kind, 'exit');
    assert.deepEqual(h.injected.at(-1), { cause: 5, interrupt: false, tvalLo: 0x1000_0000, tvalHi: 0 });
    assert.equal(h.csr.get(CSR.vsepc), (ENTRY + 0x200) | 0, 'sepc at the ECALL');
  });
});
