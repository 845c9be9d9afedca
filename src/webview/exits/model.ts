// Data shaping for the VM-exits panel, DOM-free (unit-tested in test/unit/webview): bars of the
// counts by reason, rows by guest PC with their source location, the timeline of recent exits.
import type { ExitLogRecord, ExitLogResponseBody } from '../../protocol/requests';

export interface Bar {
  label: string;
  count: number;
  /** Share of the total, 0-100 (one decimal). */
  percent: number;
  /** Bar length relative to the largest, 0-100. */
  width: number;
}

/** Counts as bars, largest first (ties by name so the order is stable). */
export function bars(counts: Record<string, number>, total?: number): Bar[] {
  const entries = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const sum = total ?? entries.reduce((s, [, n]) => s + n, 0);
  const max = entries.length > 0 ? entries[0][1] : 0;
  return entries.map(([label, count]) => ({
    label, count, percent: sum > 0 ? Math.round((count / sum) * 1000) / 10 : 0, width: max > 0 ? Math.round((count / max) * 100) : 0,
  }));
}

export interface SourceLocation {
  file: string;
  line: number;
}

/** The adapter's location text: "path/file.c:42" is a source line; anything else (a symbol) is not. */
export function parseLocation(location: string | undefined): SourceLocation | undefined {
  if (!location) return undefined;
  const m = /^(.*\S):(\d+)$/.exec(location);
  if (!m) return undefined;
  return { file: m[1], line: Number(m[2]) };
}

export interface PcRow {
  pc: string;
  count: number;
  /** "hello.c:12" (base name) or the symbol, or "" when unknown. */
  where: string;
  /** Full location as the adapter sent it (for opening). */
  location?: string;
  hasSource: boolean;
  /** "sbi 12 · mmio 3". */
  reasons: string;
}

export function pcRows(log: ExitLogResponseBody): PcRow[] {
  return log.topPcs.map((p) => {
    const src = parseLocation(p.location);
    return {
      pc: p.pc, count: p.count, location: p.location, hasSource: src !== undefined,
      where: src ? `${baseName(src.file)}:${src.line}` : p.location ?? '',
      reasons: bars(p.reasons).map((b) => `${b.label} ${b.count}`).join(' · '),
    };
  });
}

export interface TimelineRow {
  seq: number;
  vcpu: number;
  reason: string;
  detail: string;
  pc: string;
  where: string;
  location?: string;
  hasSource: boolean;
  gpa?: string;
  retired: number;
  /** Instructions the vCPU retired since its previous exit in the log (undefined for its first). */
  sincePrevious?: number;
}

/** The latest exits, newest first, with the retired-instruction stamp and the gap to the vCPU's previous exit. */
export function timelineRows(records: readonly ExitLogRecord[], limit = 200): TimelineRow[] {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const prev = new Map<number, number>();
  const rows: TimelineRow[] = sorted.map((r) => {
    const before = prev.get(r.vcpu);
    prev.set(r.vcpu, r.retired);
    const src = parseLocation(r.location);
    return {
      seq: r.seq, vcpu: r.vcpu, reason: r.reason, detail: r.detail, pc: r.pc, gpa: r.gpa, retired: r.retired,
      location: r.location, hasSource: src !== undefined, where: src ? `${baseName(src.file)}:${src.line}` : r.location ?? '',
      sincePrevious: before === undefined ? undefined : r.retired - before,
    };
  });
  return rows.reverse().slice(0, limit);
}

/** Memory-virtualization statistics as "name: value" pairs, nested objects flattened with dots. */
export function statRows(stats: Record<string, unknown> | undefined): [string, string][] {
  const out: [string, string][] = [];
  const walk = (o: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, name);
      else out.push([name, String(v)]);
    }
  };
  if (stats) walk(stats, '');
  return out;
}

/** Empty-state text: the adapter's message on a bare machine, or no exits yet. */
export function exitsEmptyText(log: ExitLogResponseBody | undefined, running: boolean): string | undefined {
  if (!log) return running ? 'The guest is running: the exit log is shown at the next stop.' : 'Not loaded yet.';
  if (log.message) return log.message;
  if (log.total === 0) return 'No VM exits yet.';
  return undefined;
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
