// The debugger's view of the machine: threads (vCPUs or harts), side-effect-free memory reads of
// guest virtual and guest physical addresses (page tables walked by mmu/inspect: no A/D updates, no
// TLB fills; device windows are never read), memory writes, and register/CSR access.
import type { Machine } from '../../machine/machine';
import type { Vm } from '../../hypervisor/vm';
import type { Vcpu } from '../../hypervisor/vcpu';
import type { Hart } from '../../riscv/hart/hart';
import { CSR } from '../../riscv/hart/csrs';
import { inspect, type InspectResult, type PtePeek } from '../../mmu/inspect';
import { Access, type AccessKind } from '../../mmu/pte';

export interface Thread {
  /** DAP thread id: hart id + 1. */
  readonly id: number;
  readonly hart: Hart;
  readonly vcpu?: Vcpu;
}

/** Guest virtual ('v') or guest physical ('p') address space of a memory reference. */
export type Space = 'v' | 'p';

/** Translation context of a thread: single-stage (satp), two-stage (vsatp over hgatp), or none. */
interface Context {
  mode: number;
  ppn: bigint;
  hgatp?: { mode: number; ppn: bigint };
}

const TWO32 = 4294967296n;

export class Target {
  readonly threads: Thread[];
  readonly ramPeek: PtePeek;

  constructor(readonly machine: Machine, readonly vm: Vm | undefined) {
    this.threads = machine.harts.map((h, i) => ({ id: i + 1, hart: h, vcpu: vm?.vcpus[i] }));
    const ram = machine.ram;
    this.ramPeek = {
      peekPte(pa: bigint): bigint | undefined {
        const n = Number(pa);
        if (!ram.contains(n, 8) || (n & 7) !== 0) return undefined;
        return ram.view.getBigUint64(n - ram.base, true);
      },
    };
  }

  get hypervisor(): boolean {
    return this.vm !== undefined;
  }

  thread(id: number): Thread | undefined {
    return this.threads.find((t) => t.id === id);
  }

  // ------------------------------------------------------------ registers

  x(t: Thread, r: number): bigint {
    if (r === 0) return 0n;
    return (BigInt(t.hart.x[2 * r + 1] >>> 0) << 32n) | BigInt(t.hart.x[2 * r] >>> 0);
  }

  setX(t: Thread, r: number, v: bigint): void {
    if (r === 0) return;
    t.hart.x[2 * r] = Number(v & 0xffffffffn) | 0;
    t.hart.x[2 * r + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  f(t: Thread, r: number): bigint {
    return (BigInt(t.hart.f[2 * r + 1] >>> 0) << 32n) | BigInt(t.hart.f[2 * r] >>> 0);
  }

  setF(t: Thread, r: number, v: bigint): void {
    t.hart.f[2 * r] = Number(v & 0xffffffffn) | 0;
    t.hart.f[2 * r + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  /** The hart's pc. */
  pc(t: Thread): bigint {
    return (BigInt(t.hart.pcHi >>> 0) << 32n) | BigInt(t.hart.pcLo >>> 0);
  }

  setPc(t: Thread, v: bigint): void {
    t.hart.pcLo = Number(v & 0xffffffffn) | 0;
    t.hart.pcHi = Number((v >> 32n) & 0xffffffffn) | 0;
    t.hart.fetchOps = null;
  }

  /**
   * The guest's pc: under the embedded hypervisor a vCPU whose hart sits in HS-mode (stopped at a VM
   * exit, or waiting) has its guest pc in sepc.
   */
  guestPc(t: Thread): bigint {
    if (this.vm && !t.hart.virt) return this.csrHs(t, CSR.sepc) ?? this.pc(t);
    return this.pc(t);
  }

  /** The hart sits in HS-mode outside the guest (embedded hypervisor only). */
  inHypervisor(t: Thread): boolean {
    return this.vm !== undefined && !t.hart.virt;
  }

  /** A CSR as the hart's current privilege sees it (VS substitution when V=1); undefined if it does not exist. */
  csr(t: Thread, num: number): bigint | undefined {
    const c = t.hart.csr;
    const lo = c.readRaw(num);
    if (lo === undefined) return undefined;
    return (BigInt(c.hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }

  /** A CSR by its own number, without VS substitution (the Hypervisor scope's view). */
  csrHs(t: Thread, num: number): bigint | undefined {
    const h = t.hart, v = h.virt;
    h.virt = false;
    try { return this.csr(t, num); } finally { h.virt = v; }
  }

  writeCsr(t: Thread, num: number, v: bigint, hs = false): boolean {
    const h = t.hart, virt = h.virt;
    if (hs) h.virt = false;
    try {
      return h.csr.writeRaw(num, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
    } finally { h.virt = virt; h.flushTlb(); }
  }

  // ------------------------------------------------------------ translation

  private context(t: Thread): Context {
    const vm = this.vm;
    if (vm && t.vcpu) {
      // The guest's own tables over the hypervisor's G stage (also in shadow mode, where the guest
      // satp is virtual and the G-stage tables serve the hypervisor's own walks).
      let satp: bigint;
      if (t.vcpu.shadow) satp = (BigInt(t.vcpu.shadow.satpHi >>> 0) << 32n) | BigInt(t.vcpu.shadow.satpLo >>> 0);
      else satp = this.csrHs(t, CSR.vsatp) ?? 0n;
      const [glo, ghi] = vm.gstage.hgatp(0);
      const hg = (BigInt(ghi >>> 0) << 32n) | BigInt(glo >>> 0);
      return { mode: Number(satp >> 60n), ppn: satp & ((1n << 44n) - 1n), hgatp: { mode: Number(hg >> 60n), ppn: hg & ((1n << 44n) - 1n) } };
    }
    const h = t.hart;
    if (h.virt) {
      const vs = this.csrHs(t, CSR.vsatp) ?? 0n, hg = this.csrHs(t, CSR.hgatp) ?? 0n;
      return { mode: Number(vs >> 60n), ppn: vs & ((1n << 44n) - 1n), hgatp: { mode: Number(hg >> 60n), ppn: hg & ((1n << 44n) - 1n) } };
    }
    if (h.priv === 3) return { mode: 0, ppn: 0n };
    const satp = this.csrHs(t, CSR.satp) ?? 0n;
    return { mode: Number(satp >> 60n), ppn: satp & ((1n << 44n) - 1n) };
  }

  /** The full walk of `va` as the thread's guest would translate it (debugger view: SUM, MXR set). */
  walk(t: Thread, va: bigint, access: AccessKind = Access.Load): InspectResult {
    const c = this.context(t);
    return inspect(this.ramPeek, {
      mode: c.mode, ppn: c.ppn, va, hgatp: c.hgatp, access, priv: 1, sum: true, mxr: true, mxrHs: true,
    });
  }

  /** Guest virtual → host physical (a number), or undefined when unmapped. */
  virtToHost(t: Thread, va: bigint): number | undefined {
    const r = this.walk(t, va);
    return r.outcome.kind === 'ok' ? Number(r.outcome.pa) : undefined;
  }

  /** Guest physical → host physical: the same on a bare machine, through the VM's layout under the hypervisor. RAM only. */
  physToHost(gpa: bigint, len = 1): number | undefined {
    const n = Number(gpa);
    if (!Number.isSafeInteger(n)) return undefined;
    if (this.vm) return this.vm.guestMem.contains(n, len) ? this.vm.guestMem.toHpa(n) : undefined;
    return this.machine.ram.contains(n, len) ? n : undefined;
  }

  /** Guest virtual → guest physical (for data breakpoints and display), undefined when unmapped. */
  virtToGuestPhys(t: Thread, va: bigint): bigint | undefined {
    const r = this.walk(t, va);
    if (r.outcome.kind !== 'ok') return undefined;
    if (!r.twoStage) return r.outcome.pa;
    const o = r.first.outcome;
    return o.kind === 'ok' ? o.pa : undefined;
  }

  // ------------------------------------------------------------ memory

  private hostOf(t: Thread | undefined, space: Space, addr: bigint): number | undefined {
    if (space === 'p') return this.physToHost(addr);
    return t ? this.virtToHost(t, addr) : undefined;
  }

  /**
   * Reads up to `len` bytes; stops at the first unreadable byte (unmapped, or not RAM: devices are
   * never read, a debugger read must not pop a UART FIFO). Returns the bytes that could be read.
   */
  read(t: Thread | undefined, space: Space, addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const ram = this.machine.ram;
    let i = 0;
    while (i < len) {
      const a = (addr + BigInt(i)) & 0xffffffffffffffffn;
      const pa = this.hostOf(t, space, a);
      if (pa === undefined || !ram.contains(pa, 1)) break;
      const n = Math.min(len - i, 4096 - Number(a & 0xfffn), ram.base + ram.size - pa);
      out.set(ram.u8.subarray(pa - ram.base, pa - ram.base + n), i);
      i += n;
    }
    return out.subarray(0, i);
  }

  /** Little-endian value of `size` bytes, or undefined when any byte is unreadable. */
  readValue(t: Thread | undefined, space: Space, addr: bigint, size: number): bigint | undefined {
    const b = this.read(t, space, addr, size);
    if (b.length < size) return undefined;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  /** Writes bytes (RAM only, decoded code dropped); returns how many were written. */
  write(t: Thread | undefined, space: Space, addr: bigint, data: Uint8Array): number {
    let i = 0;
    while (i < data.length) {
      const a = (addr + BigInt(i)) & 0xffffffffffffffffn;
      const pa = this.hostOf(t, space, a);
      if (pa === undefined) break;
      const n = Math.min(data.length - i, 4096 - Number(a & 0xfffn));
      if (!this.machine.writePhys(pa, data.subarray(i, i + n))) break;
      i += n;
    }
    return i;
  }

  /** The 32 bits at a guest virtual pc (low parcel first), or undefined when not readable. */
  fetchWord(t: Thread, pc: bigint): number | undefined {
    const lo = this.readValue(t, 'v', pc, 2);
    if (lo === undefined) return undefined;
    if ((Number(lo) & 3) !== 3) return Number(lo);
    const hi = this.readValue(t, 'v', pc + 2n, 2);
    if (hi === undefined) return undefined;
    return (Number(lo) | (Number(hi) << 16)) | 0;
  }
}

export function hex(v: bigint | number): string {
  return `0x${(typeof v === 'number' ? BigInt(v) : v & 0xffffffffffffffffn).toString(16)}`;
}

export { TWO32 };
