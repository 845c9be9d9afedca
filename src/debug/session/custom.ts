// Custom requests (src/protocol/requests.ts): the three continues, page tables, translate, the exit
// log and statistics, console input; the translation panel's requests are in ./translation.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HvscopeSession } from './session';
import { continueTo } from './execution';
import { translationRequest } from './translation';
import { TRANSLATION_REQUESTS } from '../../protocol/translation';
import { causeName } from '../runtime/filters';
import { UserError } from '../../common/errors';
import { CSR } from '../../riscv/hart/csrs';
import { dumpTable, viaGStage, type InspectResult, type WalkTrace } from '../../mmu/inspect';
import type { Thread, Target } from '../runtime/target';
import { collectLeaves, shadowDiff, type GuestLeaf } from './shadowDiff';
import { Access, modeName, type PteFields } from '../../mmu/pte';
import {
  HVSCOPE_REQUESTS, type ConsoleInputArguments, type ContinueToArguments, type ExitLogArguments, type ExitLogResponseBody,
  type PageTableArguments, type PageTableResponseBody, type ShadowDiffArguments, type ShadowDiffResponseBody, type TranslateArguments,
  type TranslateFault, type TranslateResponseBody, type TranslateWalk,
} from '../../protocol/requests';
import { hex } from '../runtime/target';


/** PTE bits by their names in the privileged spec (V R W X U G A D), '-' where clear. */
export function pteFlags(p: PteFields): string {
  return [[p.v, 'V'], [p.r, 'R'], [p.w, 'W'], [p.x, 'X'], [p.u, 'U'], [p.g, 'G'], [p.a, 'A'], [p.d, 'D']].map(([on, c]) => (on ? c : '-')).join('');
}

/** The fault a walk ends in, by the cause's name in the privileged spec ("load page fault"). */
function faultText(o: { cause: number; reason: string }): string {
  return `${causeName(o.cause, false)} (cause ${o.cause}): ${o.reason}`;
}

function walkBody(w: WalkTrace): TranslateWalk {
  const o = w.outcome;
  return {
    stage: w.stage, mode: w.modeName, input: hex(w.input),
    steps: w.steps.map((st) => ({
      stage: w.stage, level: st.level, index: st.index, pteAddr: hex(st.pteAddr), pte: st.pte ? hex(st.pte.raw) : undefined,
      flags: st.pte ? pteFlags(st.pte) : undefined, kind: st.kind, gWalk: st.gWalk ? walkBody(st.gWalk) : undefined,
    })),
    outcome: o.kind === 'ok' ? `ok ${hex(o.pa)}` : faultText(o),
  };
}

export function customRequest(s: HvscopeSession, command: string, response: DebugProtocol.Response, args: unknown): void {
  const a = (args ?? {}) as Record<string, unknown>;
  switch (command) {
    case 'modules': s.modulesRequest(response as DebugProtocol.ModulesResponse); return;
    case HVSCOPE_REQUESTS.continueToVmExit: continueTo(s, response, 'vmexit', (a as ContinueToArguments).threadId); return;
    case HVSCOPE_REQUESTS.continueToTrap: continueTo(s, response, 'trap', (a as ContinueToArguments).threadId); return;
    case HVSCOPE_REQUESTS.continueToGuestEntry: continueTo(s, response, 'entry', (a as ContinueToArguments).threadId); return;
    case HVSCOPE_REQUESTS.pageTable: s.guard(response, () => { response.body = pageTable(s, a as unknown as PageTableArguments); s.sendResponse(response); }); return;
    case HVSCOPE_REQUESTS.translate: s.guard(response, () => { response.body = translate(s, a as unknown as TranslateArguments); s.sendResponse(response); }); return;
    case HVSCOPE_REQUESTS.shadowDiff: s.guard(response, () => { response.body = shadowDiffBody(s, a as ShadowDiffArguments); s.sendResponse(response); }); return;
    case HVSCOPE_REQUESTS.exitLog: s.guard(response, () => { response.body = exitLog(s, a as ExitLogArguments); s.sendResponse(response); }); return;
    case HVSCOPE_REQUESTS.consoleInput:
      s.guard(response, () => {
        const text = (a as unknown as ConsoleInputArguments).text;
        if (typeof text !== 'string') throw new UserError('hvscope/consoleInput: needs { text: string }');
        s.runtime().consoleInput(text);
        s.sendResponse(response);
      });
      return;
    case TRANSLATION_REQUESTS.blocks: case TRANSLATION_REQUESTS.block: translationRequest(s, command, response, a); return;
    default:
      s.unknownRequest(response, command);
  }
}

function pageTable(s: HvscopeSession, a: PageTableArguments): PageTableResponseBody {
  const rt = s.runtime();
  const t = rt.thread(a.threadId ?? rt.focus);
  const tg = rt.target;
  let mode: number, root: bigint, x4 = false, mem = tg.ramPeek, space: 'hpa' | 'gpa' = 'hpa';
  const atp = (v: bigint): [number, bigint] => [Number(v >> 60n), (v & ((1n << 44n) - 1n)) << 12n];
  const hgatp = (): bigint => {
    if (rt.vm) { const [lo, hi] = rt.vm.gstage.hgatp(0); return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); }
    return tg.csrHs(t, CSR.hgatp) ?? 0n;
  };
  switch (a.stage) {
    case 'vs': case 'single': {
      let v: bigint;
      if (t.vcpu?.shadow) v = (BigInt(t.vcpu.shadow.satpHi >>> 0) << 32n) | BigInt(t.vcpu.shadow.satpLo >>> 0);
      else v = (rt.vm || t.hart.virt ? tg.csrHs(t, CSR.vsatp) : tg.csrHs(t, CSR.satp)) ?? 0n;
      [mode, root] = atp(v);
      const hg = hgatp();
      if ((rt.vm || t.hart.virt) && (hg >> 60n) !== 0n) { mem = viaGStage(tg.ramPeek, Number(hg >> 60n), hg & ((1n << 44n) - 1n)); space = 'gpa'; }
      break;
    }
    case 'g':
      // Shadow paging runs the guest with the hardware G stage off: the shadow table maps
      // guest-virtual to host-physical directly (stage 'shadow').
      if (t.vcpu?.shadow) return { stage: a.stage, mode: 'Bare', addressSpace: 'hpa', tableAddr: '0x0', level: 0, entries: [], message: 'paging "shadow": no G stage (hgatp = Bare); see the shadow table' };
      [mode, root] = atp(hgatp()); x4 = true; root &= ~0x3fffn;
      break;
    case 'shadow': {
      if (!t.vcpu?.shadow) return { stage: a.stage, mode: 'none', addressSpace: 'hpa', tableAddr: '0x0', level: 0, entries: [], message: 'no shadow page tables: the session does not use paging "shadow"' };
      [mode, root] = atp(tg.csrHs(t, CSR.vsatp) ?? 0n);
      break;
    }
    default: throw new UserError(`hvscope/pageTable: stage must be vs, g, shadow or single, got '${String(a.stage)}'`);
  }
  if (mode === 0) return { stage: a.stage, mode: 'Bare', addressSpace: space, tableAddr: '0x0', level: 0, entries: [], message: 'translation is off (MODE = Bare)' };
  const level = a.level ?? mode - 6;
  const tableAddr = a.tableAddr ? BigInt(a.tableAddr) : root;
  const entries = dumpTable(mem, { mode, x4, tableAddr, level, vaBase: a.vaBase ? BigInt(a.vaBase) : 0n, includeInvalid: a.includeInvalid });
  return {
    stage: a.stage, mode: modeName(mode, x4), addressSpace: space, tableAddr: hex(tableAddr), level,
    entries: entries.map((e) => ({ index: e.index, va: hex(e.va), size: hex(e.size), pteAddr: hex(e.pteAddr), pte: hex(e.pte.raw), flags: pteFlags(e.pte), kind: e.kind, target: e.target !== undefined ? hex(e.target) : undefined, misaligned: e.misaligned })),
  };
}

function translate(s: HvscopeSession, a: TranslateArguments): TranslateResponseBody {
  const rt = s.runtime();
  const t = rt.thread(a.threadId ?? rt.focus);
  if (typeof a.address !== 'string') throw new UserError('hvscope/translate: needs { address: string }');
  const va = BigInt.asUintN(64, rt.evaluate(t.id, a.address));
  const access = a.access === 'fetch' ? Access.Fetch : a.access === 'store' ? Access.Store : Access.Load;
  return translateBody(rt.target, t, rt.target.walk(t, va, access), va, a.access ?? 'load', rt.vm !== undefined);
}

/** The translate response for a debugger walk `r` of `va` (exported for the panel's unit tests). */
export function translateBody(tg: Target, t: Thread, r: InspectResult, va: bigint, access: 'fetch' | 'load' | 'store', hypervisor: boolean): TranslateResponseBody {
  const o = r.outcome;
  return {
    address: hex(va), twoStage: r.twoStage, first: walkBody(r.first), final: r.final ? walkBody(r.final) : undefined,
    outcome: o.kind === 'ok' ? `ok ${hex(o.pa)}${o.pageSize ? ` (${o.pageSize / 1024n} KiB page)` : ''}` : faultText(o),
    pa: o.kind === 'ok' ? hex(o.pa) : undefined,
    fault: translateFault(tg, t, r, va, access, hypervisor),
  };
}

/**
 * Where the trap of a failed translation goes and which trap-value CSRs it writes
 * (hypervisor.adoc "Trap Entry", "Hypervisor Trap Value Register (htval)", "Hypervisor Trap
 * Instruction Register (htinst)"; machine.adoc mtval2/mtinst). Guest-page faults cannot be
 * delegated to VS (hedeleg bits 20, 21, 23 are read-only zero), so they reach HS or M.
 */
export function translateFault(tg: Target, t: Thread, r: InspectResult, va: bigint, access: 'fetch' | 'load' | 'store', hypervisor: boolean): TranslateFault | undefined {
  const o = r.outcome;
  if (o.kind !== 'fault') return undefined;
  const hasH = hypervisor || tg.csrHs(t, CSR.hedeleg) !== undefined;
  const bit = 1n << BigInt(o.cause);
  const medeleg = tg.csrHs(t, CSR.medeleg) ?? 0n, hedeleg = tg.csrHs(t, CSR.hedeleg) ?? 0n;
  let target: TranslateFault['target'];
  if ((medeleg & bit) === 0n) target = 'M';
  else if (r.twoStage && o.fault !== 'guest-page-fault' && (hedeleg & bit) !== 0n) target = 'VS';
  else target = hasH ? 'HS' : 'S';
  const gpf = o.fault === 'guest-page-fault';
  const tval2 = gpf && o.gpa !== undefined ? hex(o.gpa >> 2n) : '0x0';
  // Explicit loads, stores and AMOs get the transformed instruction (or 0); fetches and other traps 0.
  const tinst = gpf && o.implicit ? `${hex(o.htinst ?? 0)} (pseudoinstruction: implicit VS-stage PTE ${o.htinst === 0x3020 ? 'write' : 'read'})`
    : access === 'fetch' ? '0x0' : '0x0 or the transformed instruction of the faulting access';
  const gva = r.twoStage ? '1 (stval holds a guest virtual address)' : '0';
  let writes: TranslateFault['writes'];
  switch (target) {
    case 'VS': writes = [{ csr: 'vstval', value: hex(va) }]; break;
    case 'S': writes = [{ csr: 'stval', value: hex(va) }]; break;
    case 'HS': writes = [{ csr: 'stval', value: hex(va) }, { csr: 'htval', value: tval2 }, { csr: 'htinst', value: tinst }, { csr: 'hstatus.GVA', value: gva }]; break;
    default: writes = [{ csr: 'mtval', value: hex(va) }, ...(hasH ? [{ csr: 'mtval2', value: tval2 }, { csr: 'mtinst', value: tinst }, { csr: 'mstatus.GVA', value: gva }] : [])];
  }
  return {
    kind: o.fault, cause: o.cause, causeName: causeName(o.cause, false),
    walk: r.final && r.final.outcome.kind === 'fault' ? 'final' : 'first', level: o.level,
    gpa: o.gpa !== undefined ? hex(o.gpa) : undefined, implicit: o.implicit, target, writes,
  };
}

/** hvscope/shadowDiff: the guest's table against the shadow table (paging "shadow" only). */
function shadowDiffBody(s: HvscopeSession, a: ShadowDiffArguments): ShadowDiffResponseBody {
  const rt = s.runtime();
  const t = rt.thread(a.threadId ?? rt.focus);
  const tg = rt.target;
  const none = (message: string): ShadowDiffResponseBody => ({ guestMode: 'none', shadowMode: 'none', rows: [], counts: {}, message });
  const sh = t.vcpu?.shadow;
  if (!rt.vm || !sh) return none(rt.vm ? 'no shadow page tables: the session does not use paging "shadow"' : 'machine "bare": no embedded hypervisor, no shadow page tables');
  const guestSatp = (BigInt(sh.satpHi >>> 0) << 32n) | BigInt(sh.satpLo >>> 0);
  const guestMode = Number(guestSatp >> 60n);
  const [glo, ghi] = rt.vm.gstage.hgatp(0);
  const hg = (BigInt(ghi >>> 0) << 32n) | BigInt(glo >>> 0);
  const gmem = (hg >> 60n) !== 0n ? viaGStage(tg.ramPeek, Number(hg >> 60n), hg & ((1n << 44n) - 1n)) : tg.ramPeek;
  let guest: GuestLeaf[];
  let complete = true;
  if (guestMode === 0) {
    // Guest satp Bare: GVA = GPA, the shadow maps guest RAM 1:1 (shadow.ts); U is the shadow's choice.
    const g = rt.vm.guestMem;
    guest = [{ va: BigInt(g.base), size: BigInt(g.size), gpa: BigInt(g.base), flags: 'VRWXU-AD' }];
  } else {
    const c = collectLeaves(gmem, guestMode, (guestSatp & ((1n << 44n) - 1n)) << 12n, pteFlags);
    guest = c.leaves.map((l) => ({ va: l.va, size: l.size, gpa: l.target, flags: l.flags }));
    complete &&= c.complete;
  }
  const shadowRoot = BigInt(sh.rootHpa);
  const sc = collectLeaves(tg.ramPeek, sh.shadowMode, shadowRoot, pteFlags);
  complete &&= sc.complete;
  const d = shadowDiff(guest, sc.leaves.map((l) => ({ va: l.va, size: l.size, hpa: l.target, flags: l.flags })), (gpa) => {
    const h = tg.physToHost(gpa);
    return h === undefined ? undefined : BigInt(h);
  }, a.limit ?? 500);
  return {
    guestMode: modeName(guestMode, false), shadowMode: modeName(sh.shadowMode, false), rows: d.rows, counts: d.counts,
    truncated: d.truncated || !complete || undefined,
  };
}

function exitLog(s: HvscopeSession, a: ExitLogArguments): ExitLogResponseBody {
  const rt = s.runtime();
  const empty = { total: 0, byReason: {}, byDetail: {}, topPcs: [], records: [] };
  if (!rt.vm) return { ...empty, message: 'machine "bare": no embedded hypervisor, no exit log' };
  const log = rt.vm.exitLog;
  const where = (lo: number, hi: number): string | undefined => {
    const pc = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const l = rt.symbols.addressToLine(pc);
    return l ? `${l.file}:${l.line}` : rt.symbols.symbolize(pc);
  };
  const records = log.entries().slice(-(a.limit ?? 256)).map((r) => ({
    seq: r.seq, vcpu: r.vcpu, reason: r.reason, detail: r.detail, cause: r.cause, interrupt: r.interrupt,
    pc: hex((BigInt(r.pcHi >>> 0) << 32n) | BigInt(r.pcLo >>> 0)), location: where(r.pcLo, r.pcHi),
    gpa: r.gpa >= 0 ? hex(r.gpa) : undefined, insn: r.insn, retired: r.retired,
  }));
  return {
    total: log.total, byReason: Object.fromEntries(log.byReason), byDetail: Object.fromEntries(log.byDetail),
    topPcs: log.topPcs(20).map((p) => ({ pc: hex((BigInt(p.pcHi >>> 0) << 32n) | BigInt(p.pcLo >>> 0)), count: p.count, location: where(p.pcLo, p.pcHi), reasons: Object.fromEntries(p.byReason) })),
    records, stats: rt.vm.stats() as unknown as Record<string, unknown>,
  };
}
