// Debug-console commands (the words an expression cannot start with): help, exits, tlb, pt, translate,
// blocks, info devices. Each returns text; an unknown word returns undefined (then it is an expression).
import { CSR } from '../../riscv/hart/csrs';
import { PAGE_KEY_HI } from '../../riscv/hart/tlb';
import { dumpTable, viaGStage, type WalkTrace } from '../../mmu/inspect';
import { modeName } from '../../mmu/pte';
import type { Runtime } from './runtime';
import { hex, type Thread } from './target';
import { MMIO_REGIONS } from '../../machine/memoryMap';

export const HELP = `hvscope debug console
  expressions   $a0  $pc  $sstatus  *(u64*)($sp+8)  *(u32*)0x80001000  &main  main+4  ($a0 >> 12) & 0x1ff
                casts (u8 u16 u32 u64 i8 i16 i32 i64), C operators; bare register names work when no symbol has the name
  help          this text
  exits         VM-exit statistics (embedded hypervisor)
  tlb           the stopped hart's software TLB (valid entries)
  pt [va]       page-table walk of a guest virtual address, or the root table of the current address space
  translate va  the full (2-D) translation of a guest virtual address
  blocks        translated blocks (the block translator does not exist yet)
  info devices  the MMIO devices and where they are mapped`;

export function runCommand(rt: Runtime, t: Thread, line: string): string | undefined {
  const [word, ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  switch (word) {
    case 'help': return HELP;
    case 'exits': {
      if (!rt.vm) return 'no embedded hypervisor in this session (machine: bare): there are no VM exits to count';
      return rt.vm.exitLog.summary({ topPcs: 10, symbol: (lo, hi) => rt.symbols.symbolize((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) }).trimEnd();
    }
    case 'tlb': return tlb(t);
    case 'pt': return arg ? translateText(rt, t, arg) : rootTable(rt, t);
    case 'translate':
      if (!arg) return 'usage: translate <guest virtual address or expression>';
      return translateText(rt, t, arg);
    case 'blocks': return 'the block translator (src/jit) does not exist yet: every instruction is interpreted, so there are no translated blocks to list';
    case 'info':
      if (arg === 'devices') return devices(rt);
      return 'usage: info devices';
    default: return undefined;
  }
}

function tlb(t: Thread): string {
  const h = t.hart;
  const lines: string[] = [];
  const kinds: [string, Float64Array, Int32Array][] = [['fetch', h.tlbXTag, h.tlbXBase], ['load', h.tlbRTag, h.tlbRBase], ['store', h.tlbWTag, h.tlbWBase]];
  for (const [name, tags, bases] of kinds) {
    for (let i = 0; i < tags.length; i++) {
      const tag = tags[i];
      if (Number.isNaN(tag)) continue;
      const hi = Math.floor(tag / PAGE_KEY_HI), pageLo = tag - hi * PAGE_KEY_HI;
      const va = (BigInt(hi >>> 0) << 32n) | (BigInt(pageLo) << 12n);
      lines.push(`${name.padEnd(5)} [${String(i).padStart(3)}] va ${hex(va)} -> host pa ${hex(h.ram.base + bases[i])}`);
    }
  }
  return lines.length ? lines.join('\n') : 'the software TLB is empty (flushed on every trap and satp write)';
}

export function walkText(w: WalkTrace, indent = ''): string[] {
  const out = [`${indent}${w.stage === 'g' ? 'G-stage' : w.stage === 'vs' ? 'VS-stage' : 'single-stage'} ${w.modeName} walk of ${hex(w.input)}`];
  for (const s of w.steps) {
    out.push(`${indent}  level ${s.level} index ${s.index}: pte @ ${hex(s.pteAddr)}${s.pteHostAddr !== undefined ? ` (host ${hex(s.pteHostAddr)})` : ''} = ${s.pte ? `${hex(s.pte.raw)} ${s.pte.flags}` : '-'} ${s.kind}${s.next !== undefined ? ` -> ${hex(s.next)}` : ''}`);
    if (s.gWalk) out.push(...walkText(s.gWalk, indent + '    '));
  }
  const o = w.outcome;
  out.push(`${indent}  => ${o.kind === 'ok' ? `${hex(o.pa)}${o.pageSize ? ` (${o.pageSize / 1024n} KiB page)` : ''}${o.wouldSetAd ? ', would set A/D' : ''}` : `${o.fault} (cause ${o.cause}): ${o.reason}`}`);
  return out;
}

function translateText(rt: Runtime, t: Thread, arg: string): string {
  const va = BigInt.asUintN(64, rt.evaluate(t.id, arg));
  const r = rt.target.walk(t, va);
  const lines = walkText(r.first);
  if (r.final) lines.push(...walkText(r.final));
  const o = r.outcome;
  lines.push(o.kind === 'ok' ? `${hex(va)} -> host physical ${hex(o.pa)}` : `${hex(va)}: ${o.fault} (cause ${o.cause}) ${o.reason}`);
  return lines.join('\n');
}

function rootTable(rt: Runtime, t: Thread): string {
  const tg = rt.target;
  let satp: bigint;
  if (t.vcpu?.shadow) satp = (BigInt(t.vcpu.shadow.satpHi >>> 0) << 32n) | BigInt(t.vcpu.shadow.satpLo >>> 0);
  else satp = (rt.vm || t.hart.virt ? tg.csrHs(t, CSR.vsatp) : tg.csrHs(t, CSR.satp)) ?? 0n;
  const mode = Number(satp >> 60n);
  if (mode === 0) return 'the guest runs with translation off (satp MODE = Bare): there is no page table';
  const root = (satp & ((1n << 44n) - 1n)) << 12n;
  let mem = tg.ramPeek;
  if (rt.vm) {
    const [lo, hi] = rt.vm.gstage.hgatp(0);
    mem = viaGStage(tg.ramPeek, hi >>> 28, (BigInt(hi & 0xfff) << 32n) | BigInt(lo >>> 0));
  }
  const entries = dumpTable(mem, { mode, tableAddr: root, level: mode - 6 });
  const lines = [`${modeName(mode, false)} root table at ${hex(root)}: ${entries.length} valid entries`];
  for (const e of entries.slice(0, 64)) lines.push(`  [${String(e.index).padStart(3)}] ${hex(e.va)} size ${hex(e.size)} ${e.kind} ${e.pte.flags}${e.target !== undefined ? ` -> ${hex(e.target)}` : ''}`);
  if (entries.length > 64) lines.push(`  ... ${entries.length - 64} more (the page-table panel shows them all)`);
  return lines.join('\n');
}

function devices(rt: Runtime): string {
  const bus = rt.vm ? rt.vm.devices.bus : rt.machine.bus;
  const lines = [rt.vm ? 'guest devices (emulated by the hypervisor on guest-page faults):' : 'machine devices:'];
  for (const r of MMIO_REGIONS) {
    const m = bus.find(r.base);
    if (m) lines.push(`  ${hex(m.base).padEnd(12)} size ${hex(m.size).padEnd(10)} ${m.device.name}`);
  }
  lines.push(`  ${hex(rt.vm ? 0x8000_0000 : rt.machine.ram.base).padEnd(12)} size ${hex(rt.vm ? rt.plan.memoryBytes : rt.machine.ram.size).padEnd(10)} RAM`);
  return lines.join('\n');
}
