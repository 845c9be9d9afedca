// Shadow paging (ARCHITECTURE.md §4, memory mode 'shadow'). With hstatus.VTVM=1 the guest's satp
// accesses and SFENCE.VMA trap as virtual-instruction exits; the hypervisor keeps the guest's satp
// as a virtual register and runs the guest on shadow tables (GVA → HPA, installed in vsatp, hgatp
// Bare) that live in the hypervisor's table region.
//
// Protocol:
// - Shadow tables start empty. A VS-stage page fault that reaches HS (hedeleg leaves 12/13/15
//   undelegated) is first a *hidden* fault: the hypervisor walks the guest's own tables with the
//   spec's algorithm (mmu/walker translate2 over a G-stage that maps guest RAM, so every guest PTE
//   address is a GPA checked like hardware would), setting the guest PTE's A bit — and D on a
//   store — as the hardware would, then installs a 4 KiB shadow leaf.
// - The shadow leaf copies the guest leaf's R/X/U (so SUM and MXR in vsstatus keep their meaning),
//   has A=D=1 (the hart never writes shadow PTEs), and W only when the guest PTE's D bit is set:
//   the first store to a clean page faults again, and that fault sets D in the guest PTE.
// - A guest walk that faults is a genuine guest page fault: injected into the guest.
// - A GVA whose guest translation lands on a device GPA is left unmapped: each access faults and
//   is emulated (MMIO), as in nested mode.
// - satp writes and SFENCE.VMA without an address flush the whole shadow (all its table pages go
//   back to the pool); SFENCE.VMA with an address drops that page's shadow leaf only, which is all
//   the fence covers (supervisor.adoc, "SFENCE.VMA": rs1 ≠ x0 orders only the leaf PTEs for it).
// - While the guest's satp is Bare, GVA = GPA: the shadow maps guest RAM 1:1 onto its host pages
//   (filled on demand, MMIO left unmapped), so the guest never reaches host memory. U is set on
//   such a leaf only when the access came from VU-mode (a later VS access re-fills it without U).
import { Access, type AccessKind, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SatpMode } from '../mmu/pte';
import { Walker, WalkCause, atpMode, atpPpn } from '../mmu/walker';
import type { GStage, TablePool } from './gstage';
import { makePte, readPteHi, readPteLo, writePte } from './gstage';
import type { GuestMemory, RamPhysMem } from './guestMemory';
import { InternalError } from '../common/errors';

const PAGE = 4096;
const TWO32 = 4294967296;

export type ShadowFault =
  /** Hidden fault: a shadow mapping was installed (or upgraded to writable); re-execute. */
  | { readonly kind: 'filled'; readonly writable: boolean }
  /** Genuine guest page fault: inject `cause` (12/13/15) with stval = the GVA. */
  | { readonly kind: 'guest-fault'; readonly cause: number }
  /** The GVA translates to a device GPA: emulate the access. */
  | { readonly kind: 'mmio'; readonly gpa: number }
  /** Not RAM and not a device, or a guest page table outside RAM: inject access fault `cause`. */
  | { readonly kind: 'access-fault'; readonly cause: number };

export interface ShadowStats {
  fills: number;
  /** Fills caused by the first store to a clean page (guest D bit set). */
  dirtyFills: number;
  flushes: number;
  /** SFENCE.VMA with an address: single shadow leaves dropped. */
  pageFlushes: number;
  guestFaults: number;
  mmio: number;
}

const ACCESS_FAULT = [WalkCause.FetchAccessFault, WalkCause.LoadAccessFault, WalkCause.StoreAccessFault];

export class ShadowPager {
  /** The guest's satp (virtual register, hstatus.VTVM=1). */
  satpLo = 0;
  satpHi = 0;
  readonly stats: ShadowStats = { fills: 0, dirtyFills: 0, flushes: 0, pageFlushes: 0, guestFaults: 0, mmio: 0 };
  private root = -1;
  private readonly owned: number[] = [];
  private readonly walker: Walker;

  constructor(
    private readonly pool: TablePool,
    private readonly mem: GuestMemory,
    private readonly gstage: GStage,
    walkMem: RamPhysMem,
    private readonly isDevice: (gpa: number) => boolean,
  ) {
    this.walker = new Walker(walkMem, { adUpdate: 'hardware', adUpdateVs: 'hardware' });
    this.newRoot();
  }

  /** The guest satp's MODE. */
  get guestMode(): number {
    return atpMode(this.satpHi);
  }

  /** Paging mode of the shadow table: the guest's, or Sv39 while the guest runs Bare. */
  get shadowMode(): number {
    const m = this.guestMode;
    return m === SatpMode.Bare ? SatpMode.Sv39 : m;
  }

  /** Host-physical address of the shadow root table. */
  get rootHpa(): number {
    return this.root;
  }

  /** Shadow table pages in use. */
  get tablePages(): number {
    return this.owned.length;
  }

  /** The value to install in vsatp: shadow mode, ASID 0, shadow root. */
  vsatp(): [number, number] {
    const ppn = this.root / PAGE;
    return [(ppn % TWO32) | 0, ((this.shadowMode << 28) | Math.floor(ppn / TWO32)) | 0];
  }

  /**
   * A guest write of satp (WARL, supervisor.adoc "satp"): an unsupported MODE leaves satp
   * unchanged. Any accepted write flushes the shadow. Returns false when the write was ignored.
   */
  writeSatp(lo: number, hi: number): boolean {
    const mode = hi >>> 28;
    if (mode !== SatpMode.Bare && mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48 && mode !== SatpMode.Sv57) return false;
    this.satpLo = lo | 0;
    this.satpHi = hi | 0;
    this.flush();
    return true;
  }

  /** Drops every shadow mapping (SFENCE.VMA, satp write, remote fences). The caller flushes the hart's TLB. */
  flush(): void {
    for (const p of this.owned) this.pool.free(p);
    this.owned.length = 0;
    this.stats.flushes++;
    this.newRoot();
  }

  /** Drops the shadow leaf of one guest virtual page (SFENCE.VMA with an address). */
  flushPage(vaLo: number, vaHi: number): void {
    const ram = this.pool.ram;
    let table = this.root;
    for (let i = this.shadowMode - 6; i >= 0; i--) {
      const shift = 12 + 9 * i;
      const idx = (shift >= 32 ? vaHi >>> (shift - 32) : (vaLo >>> shift) | (vaHi << (32 - shift))) & 0x1ff;
      const slot = table + idx * 8;
      const lo = readPteLo(ram, slot);
      if ((lo & PTE_V) === 0) return;
      if (i === 0) { writePte(ram, slot, 0, 0); this.stats.pageFlushes++; return; }
      table = ((lo >>> 10) + (readPteHi(ram, slot) & 0x3fffff) * 4194304) * PAGE;
    }
  }

  /**
   * Handles a VS-stage page fault on the shadow table at GVA (vaLo, vaHi) for `access` from guest
   * privilege `priv` (1 VS, 0 VU) with vsstatus.SUM / vsstatus.MXR.
   */
  handleFault(vaLo: number, vaHi: number, access: AccessKind, priv: number, sum: boolean, mxr: boolean): ShadowFault {
    const bare = this.guestMode === SatpMode.Bare;
    const w = this.walker;
    const cause = w.translate2(
      this.guestMode, atpPpn(this.satpLo, this.satpHi), this.gstage.mode, this.gstage.rootPpn,
      vaLo, vaHi, access, priv, sum, mxr, false,
    );
    const r = w.res;
    if (cause === WalkCause.FetchPageFault || cause === WalkCause.LoadPageFault || cause === WalkCause.StorePageFault) {
      if (bare) { this.stats.guestFaults++; return { kind: 'access-fault', cause: ACCESS_FAULT[access] }; }
      this.stats.guestFaults++;
      return { kind: 'guest-fault', cause };
    }
    if (cause === WalkCause.FetchGuestPageFault || cause === WalkCause.LoadGuestPageFault || cause === WalkCause.StoreGuestPageFault) {
      const gpa = r.gpa;
      if (!r.implicit && access !== Access.Fetch && this.isDevice(gpa)) { this.stats.mmio++; return { kind: 'mmio', gpa }; }
      return { kind: 'access-fault', cause: ACCESS_FAULT[access] };
    }
    if (cause !== 0) return { kind: 'access-fault', cause: ACCESS_FAULT[access] };
    if (this.mem.toGpa(r.pa) < 0) throw new InternalError(`shadow: guest walk reached host address 0x${r.pa.toString(16)} outside guest RAM`);
    let bits: number;
    if (bare) bits = PTE_R | PTE_W | PTE_X | (priv === 0 ? PTE_U : 0);
    else {
      const leaf = r.leaf;
      bits = leaf & (PTE_R | PTE_X | PTE_U);
      // Writable only once the guest PTE is dirty: the first store comes back here to set D.
      if ((leaf & (PTE_W | PTE_D)) === (PTE_W | PTE_D)) bits |= PTE_W;
    }
    if (!this.install(vaLo, vaHi, r.pa - (r.pa % PAGE), bits | PTE_V | PTE_A | PTE_D)) {
      // Table region exhausted: start over with an empty shadow and try once more.
      this.flush();
      if (!this.install(vaLo, vaHi, r.pa - (r.pa % PAGE), bits | PTE_V | PTE_A | PTE_D)) throw new InternalError('shadow: table region too small for one mapping');
    }
    this.stats.fills++;
    if (access === Access.Store) this.stats.dirtyFills++;
    return { kind: 'filled', writable: (bits & PTE_W) !== 0 };
  }

  private newRoot(): void {
    const p = this.pool.alloc();
    if (p < 0) throw new InternalError('shadow: no page for a root table');
    this.root = p;
    this.owned.push(p);
  }

  /** Writes the 4 KiB leaf for VA → page `pa`, creating tables. False when out of table pages. */
  private install(vaLo: number, vaHi: number, pa: number, bits: number): boolean {
    const ram = this.pool.ram;
    const levels = this.shadowMode - 5;
    let table = this.root;
    for (let i = levels - 1; i >= 0; i--) {
      const shift = 12 + 9 * i;
      const idx = (shift >= 32 ? vaHi >>> (shift - 32) : (vaLo >>> shift) | (vaHi << (32 - shift))) & 0x1ff;
      const slot = table + idx * 8;
      if (i === 0) {
        const [lo, hi] = makePte(pa, bits);
        writePte(ram, slot, lo, hi);
        return true;
      }
      const lo = readPteLo(ram, slot);
      if ((lo & PTE_V) === 0) {
        const page = this.pool.alloc();
        if (page < 0) return false;
        this.owned.push(page);
        const [plo, phi] = makePte(page, PTE_V);
        writePte(ram, slot, plo, phi);
        table = page;
      } else {
        table = ((lo >>> 10) + (readPteHi(ram, slot) & 0x3fffff) * 4194304) * PAGE;
      }
    }
    return false;
  }
}
