// The exit log (ARCHITECTURE.md §8, "VM exits" panel; `hvscope run --exits`): a ring buffer of the
// latest exits and statistics by reason and by guest pc, with a plain-text summary table.
import { hex64 } from '../common/u64';
import { exitReason, type VmExit } from './exits';

export interface ExitRecord {
  /** Sequence number over the VM's lifetime (0 = first exit). */
  readonly seq: number;
  readonly vcpu: number;
  /** Reason label (exitReason), e.g. 'sbi', 'mmio', 'wfi', 'virtual-instruction'. */
  readonly reason: string;
  /** Finer detail: SBI extension/function, device name, instruction name. */
  readonly detail: string;
  readonly cause: number;
  readonly interrupt: boolean;
  readonly pcLo: number;
  readonly pcHi: number;
  /** Faulting GPA for guest-page faults, else -1. */
  readonly gpa: number;
  /** Instruction bits when known (htinst, guest memory or stval), else 0. */
  readonly insn: number;
  /** Retired-instruction stamp of the vCPU's hart. */
  readonly retired: number;
}

export interface PcStat {
  readonly pcLo: number;
  readonly pcHi: number;
  count: number;
  readonly byReason: Map<string, number>;
}

export class ExitLog {
  private readonly ring: (ExitRecord | undefined)[];
  private head = 0;
  private seq = 0;
  readonly byReason = new Map<string, number>();
  readonly byDetail = new Map<string, number>();
  /** Statistics by guest pc: high half, then low half (no string key per exit). */
  private readonly byPc = new Map<number, Map<number, PcStat>>();

  constructor(readonly capacity = 4096) {
    if (!(capacity >= 1)) throw new RangeError('exit log capacity must be at least 1');
    this.ring = new Array<ExitRecord | undefined>(capacity);
  }

  /** Exits recorded over the lifetime (not only those still in the ring). */
  get total(): number {
    return this.seq;
  }

  /** Records an exit; `detail` refines the reason (e.g. 'TIME.set_timer', 'uart0 store'). */
  record(e: VmExit, detail = ''): ExitRecord {
    const reason = exitReason(e);
    let gpa = -1, insn = 0;
    if (e.kind === 'guest-page-fault') { gpa = e.gpa; insn = e.insn?.raw ?? e.htinst; }
    else if (e.kind === 'virtual-instruction' || e.kind === 'wfi') insn = e.insn;
    const rec: ExitRecord = {
      seq: this.seq++, vcpu: e.vcpu, reason, detail, cause: e.cause, interrupt: e.kind === 'interrupt',
      pcLo: e.pcLo, pcHi: e.pcHi, gpa, insn, retired: e.retired,
    };
    this.ring[this.head] = rec;
    this.head = (this.head + 1) % this.capacity;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    if (detail) {
      const k = `${reason} ${detail}`;
      this.byDetail.set(k, (this.byDetail.get(k) ?? 0) + 1);
    }
    let page = this.byPc.get(e.pcHi);
    if (!page) { page = new Map(); this.byPc.set(e.pcHi, page); }
    let s = page.get(e.pcLo);
    if (!s) { s = { pcLo: e.pcLo, pcHi: e.pcHi, count: 0, byReason: new Map() }; page.set(e.pcLo, s); }
    s.count++;
    s.byReason.set(reason, (s.byReason.get(reason) ?? 0) + 1);
    return rec;
  }

  /** The records still in the ring, oldest first. */
  entries(): ExitRecord[] {
    const out: ExitRecord[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const r = this.ring[(this.head + i) % this.capacity];
      if (r) out.push(r);
    }
    return out;
  }

  /** The `n` guest pcs with the most exits, most first (ties: lower pc first). */
  topPcs(n = 10): PcStat[] {
    const all: PcStat[] = [];
    for (const page of this.byPc.values()) all.push(...page.values());
    return all.sort((a, b) => b.count - a.count || (a.pcHi >>> 0) - (b.pcHi >>> 0) || (a.pcLo >>> 0) - (b.pcLo >>> 0)).slice(0, n);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.seq = 0;
    this.byReason.clear();
    this.byDetail.clear();
    this.byPc.clear();
  }

  /**
   * The summary table `hvscope run --exits` prints: exits by reason (with share), by detail, and
   * the top guest pcs. `symbol` may name a pc (System.map / ELF symbols).
   */
  summary(opts: { topPcs?: number; symbol?: (pcLo: number, pcHi: number) => string | undefined } = {}): string {
    const total = this.total;
    const lines: string[] = [];
    lines.push(`VM exits: ${total}`);
    if (total === 0) return lines.join('\n') + '\n';
    const pct = (n: number): string => `${((100 * n) / total).toFixed(1)}%`;
    const table = (title: string, rows: [string, number][]): void => {
      const w = Math.max(title.length, ...rows.map((r) => r[0].length));
      lines.push('');
      lines.push(`${title.padEnd(w)}  ${'count'.padStart(10)}  ${'share'.padStart(6)}`);
      lines.push(`${'-'.repeat(w)}  ${'-'.repeat(10)}  ${'-'.repeat(6)}`);
      for (const [k, n] of rows) lines.push(`${k.padEnd(w)}  ${String(n).padStart(10)}  ${pct(n).padStart(6)}`);
    };
    const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    table('reason', sorted(this.byReason));
    if (this.byDetail.size > 0) table('detail', sorted(this.byDetail));
    const top = this.topPcs(opts.topPcs ?? 10);
    table('guest pc', top.map((s) => {
      const sym = opts.symbol?.(s.pcLo, s.pcHi);
      const reasons = sorted(s.byReason).map(([r]) => r).join(',');
      return [`0x${hex64(s.pcLo, s.pcHi)}${sym ? ` <${sym}>` : ''} ${reasons}`, s.count];
    }));
    return lines.join('\n') + '\n';
  }
}
