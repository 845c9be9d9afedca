// The variable scopes of a stopped thread as a generic tree (the session gives children handles):
// Registers, Float, CSRs (the current privilege's view, decoded status/cause/satp), Hypervisor
// (V, privilege, h* and vs* CSRs), Last trap / VM exit.
import { CSR } from '../../riscv/hart/csrs';
import { csrName } from '../../riscv/isa/csrNames';
import { X_NAMES } from '../../riscv/isa/disasm';
import { disassembleWord } from '../../riscv/isa/disasm';
import type { Runtime } from './runtime';
import { hex, type Thread } from './target';
import { causeName } from './filters';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  /** "v:0x..." or "p:0x...": the value is an address the memory view can open. */
  memoryReference?: string;
  evaluateName?: string;
  children?: () => VarNode[];
  /** Present when the value can be edited: returns an error message or undefined. */
  set?: (v: bigint) => string | undefined;
}

export interface Scope {
  name: string;
  expensive: boolean;
  vars: () => VarNode[];
}

const h64 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

function field(name: string, v: bigint, lo: number, width: number, names?: Record<number, string>): VarNode {
  const f = Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
  return { name, value: names?.[f] !== undefined ? `${f} (${names[f]})` : width > 4 ? hex(f) : String(f) };
}

const PRIV: Record<number, string> = { 0: 'U', 1: 'S', 3: 'M' };
const FS: Record<number, string> = { 0: 'Off', 1: 'Initial', 2: 'Clean', 3: 'Dirty' };
const ATP_MODES: Record<number, string> = { 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' };
const HGATP_MODES: Record<number, string> = { 0: 'Bare', 8: 'Sv39x4', 9: 'Sv48x4', 10: 'Sv57x4' };

/** Decoded fields of the CSRs that have interesting ones. */
export function decodeCsr(name: string, v: bigint): VarNode[] | undefined {
  switch (name) {
    case 'mstatus': case 'sstatus': case 'vsstatus': {
      const f = [field('SIE', v, 1, 1), field('SPIE', v, 5, 1), field('SPP', v, 8, 1, PRIV), field('FS', v, 13, 2, FS), field('SUM', v, 18, 1), field('MXR', v, 19, 1)];
      if (name === 'mstatus') f.push(field('MIE', v, 3, 1), field('MPIE', v, 7, 1), field('MPP', v, 11, 2, PRIV), field('MPRV', v, 17, 1), field('TVM', v, 20, 1), field('TW', v, 21, 1), field('TSR', v, 22, 1), field('GVA', v, 38, 1), field('MPV', v, 39, 1));
      f.push(field('UXL', v, 32, 2), field('SD', v, 63, 1));
      return f;
    }
    case 'hstatus':
      return [field('GVA', v, 6, 1), field('SPV', v, 7, 1), field('SPVP', v, 8, 1), field('HU', v, 9, 1), field('VGEIN', v, 12, 6), field('VTVM', v, 20, 1), field('VTW', v, 21, 1), field('VTSR', v, 22, 1), field('VSXL', v, 32, 2)];
    case 'mcause': case 'scause': case 'vscause': {
      const irq = (v >> 63n) === 1n;
      const code = Number(v & 0x7fffffffffffffffn);
      return [{ name: 'Interrupt', value: irq ? '1' : '0' }, { name: 'Exception Code', value: `${code} (${causeName(code, irq)})` }];
    }
    case 'satp': case 'vsatp':
      return [field('MODE', v, 60, 4, ATP_MODES), field('ASID', v, 44, 16), { name: 'PPN', value: hex(v & ((1n << 44n) - 1n)) }, { name: 'root table', value: hex((v & ((1n << 44n) - 1n)) << 12n), memoryReference: name === 'satp' ? `p:${hex((v & ((1n << 44n) - 1n)) << 12n)}` : undefined }];
    case 'hgatp':
      return [field('MODE', v, 60, 4, HGATP_MODES), field('VMID', v, 44, 14), { name: 'PPN', value: hex(v & ((1n << 44n) - 1n)) }, { name: 'root table (host physical)', value: hex((v & ((1n << 44n) - 1n)) << 12n) }];
    case 'mtvec': case 'stvec': case 'vstvec':
      return [{ name: 'BASE', value: hex(v & ~3n), memoryReference: `v:${hex(v & ~3n)}` }, field('MODE', v, 0, 2, { 0: 'Direct', 1: 'Vectored' })];
    default: return undefined;
  }
}

const ADDRESS_CSRS = new Set(['mepc', 'sepc', 'vsepc', 'mtval', 'stval', 'vstval', 'mtvec', 'stvec', 'vstvec', 'mscratch', 'sscratch', 'vsscratch']);

const U_CSRS = [CSR.fflags, CSR.frm, CSR.fcsr, CSR.cycle, CSR.time, CSR.instret];
const S_CSRS = [CSR.sstatus, CSR.sie, CSR.stvec, CSR.scounteren, CSR.senvcfg, CSR.sscratch, CSR.sepc, CSR.scause, CSR.stval, CSR.sip, CSR.stimecmp, CSR.satp];
const M_CSRS = [CSR.mstatus, CSR.misa, CSR.medeleg, CSR.mideleg, CSR.mie, CSR.mtvec, CSR.mcounteren, CSR.menvcfg, CSR.mscratch, CSR.mepc, CSR.mcause, CSR.mtval, CSR.mip, CSR.mtinst, CSR.mtval2, CSR.mhartid];
const H_CSRS = [CSR.hstatus, CSR.hedeleg, CSR.hideleg, CSR.hie, CSR.hip, CSR.hvip, CSR.htimedelta, CSR.hcounteren, CSR.henvcfg, CSR.htval, CSR.htinst, CSR.hgatp];
const VS_CSRS = [CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsip, CSR.vsatp, CSR.vstimecmp];

export function scopes(rt: Runtime, t: Thread, frameIndex: number): Scope[] {
  const tg = rt.target;
  const csrNode = (num: number, hs: boolean): VarNode | undefined => {
    const v = hs ? tg.csrHs(t, num) : tg.csr(t, num);
    const name = csrName(num) ?? hex(num);
    if (v === undefined) return undefined;
    const dec = decodeCsr(name, v);
    return {
      name, value: h64(v), evaluateName: `$${name}`, type: 'csr',
      memoryReference: ADDRESS_CSRS.has(name) ? `v:${hex(v)}` : undefined,
      children: dec ? () => dec : undefined,
      set: (nv) => (tg.writeCsr(t, num, nv, hs) ? undefined : `${name} cannot be written in this state`),
    };
  };
  const frame = frameIndex > 0 ? rt.stack(t.id).find((f) => f.index === frameIndex) : undefined;
  const list: Scope[] = [
    {
      name: 'Registers', expensive: false,
      vars: () => {
        const pc = frame ? frame.pc : tg.guestPc(t);
        const out: VarNode[] = [{ name: 'pc', value: h64(pc), evaluateName: '$pc', memoryReference: `v:${hex(pc)}`, set: (v) => rt.setRegister(t, 'pc', v) }];
        for (let r = 0; r < 32; r++) {
          const v = r === 2 && frame ? frame.sp : tg.x(t, r);
          out.push({
            name: `x${r} (${X_NAMES[r]})`, value: h64(v), evaluateName: `$${X_NAMES[r]}`, memoryReference: `v:${hex(v)}`,
            set: r === 0 ? undefined : (nv) => rt.setRegister(t, `x${r}`, nv),
          });
        }
        return out;
      },
    },
    {
      name: 'Float', expensive: true,
      vars: () => {
        const out: VarNode[] = [];
        const buf = new DataView(new ArrayBuffer(8));
        for (let r = 0; r < 32; r++) {
          const raw = tg.f(t, r);
          buf.setBigUint64(0, raw, true);
          // NaN-boxed single (upper 32 bits all ones) shows as a float, else as a double.
          const boxed = (raw >> 32n) === 0xffffffffn;
          const num = boxed ? buf.getFloat32(0, true) : buf.getFloat64(0, true);
          out.push({ name: `f${r}`, value: `${num} (${boxed ? 'f32' : 'f64'}) raw ${h64(raw)}`, evaluateName: `$f${r}`, set: (nv) => rt.setRegister(t, `f${r}`, nv) });
        }
        const fcsr = csrNode(CSR.fcsr, false);
        if (fcsr) {
          const v = tg.csr(t, CSR.fcsr) ?? 0n;
          fcsr.children = () => [field('NX', v, 0, 1), field('UF', v, 1, 1), field('OF', v, 2, 1), field('DZ', v, 3, 1), field('NV', v, 4, 1), field('frm', v, 5, 3, { 0: 'RNE', 1: 'RTZ', 2: 'RDN', 3: 'RUP', 4: 'RMM', 7: 'DYN' })];
          out.push(fcsr);
        }
        return out;
      },
    },
    {
      name: 'CSRs', expensive: true,
      vars: () => {
        const nums: number[] = [...U_CSRS];
        if (t.hart.priv >= 1) nums.push(...S_CSRS);
        if (t.hart.priv === 3) nums.push(...M_CSRS);
        return nums.map((n) => csrNode(n, false)).filter((x): x is VarNode => x !== undefined);
      },
    },
  ];
  if (t.hart.csr.hasH) {
    list.push({
      name: 'Hypervisor', expensive: true,
      vars: () => {
        const out: VarNode[] = [
          { name: 'V', value: t.hart.virt ? '1' : '0', evaluateName: '$v' },
          { name: 'privilege', value: rt.modeName(t) },
        ];
        for (const n of [...H_CSRS, ...VS_CSRS]) { const x = csrNode(n, true); if (x) out.push(x); }
        if (t.vcpu) {
          out.push({ name: 'vCPU state', value: t.vcpu.state }, { name: 'exits', value: String(t.vcpu.exits) });
          if (t.vcpu.shadow) out.push({ name: 'guest satp (virtual, shadow paging)', value: h64((BigInt(t.vcpu.shadow.satpHi >>> 0) << 32n) | BigInt(t.vcpu.shadow.satpLo >>> 0)) });
        }
        return out;
      },
    });
  }
  list.push({
    name: rt.vm ? 'Last trap / VM exit' : 'Last trap', expensive: true,
    vars: () => lastTrapVars(rt, t),
  });
  return list;
}

function lastTrapVars(rt: Runtime, t: Thread): VarNode[] {
  const tg = rt.target;
  const lt = t.hart.lastTrap;
  const out: VarNode[] = [];
  if (lt.cause < 0) out.push({ name: 'trap', value: 'none taken yet' });
  else {
    const pc = (BigInt(lt.pcHi >>> 0) << 32n) | BigInt(lt.pcLo >>> 0);
    const tval = (BigInt(lt.tvalHi >>> 0) << 32n) | BigInt(lt.tvalLo >>> 0);
    out.push(
      { name: 'cause', value: `${lt.interrupt ? 'interrupt' : 'exception'} ${lt.cause} (${causeName(lt.cause, lt.interrupt)})` },
      { name: 'pc', value: h64(pc), memoryReference: `v:${hex(pc)}` },
      { name: 'tval', value: h64(tval), memoryReference: `v:${hex(tval)}` },
      { name: 'target', value: lt.toVirt ? 'VS' : lt.target === 3 ? 'M' : 'HS/S' },
      { name: 'from V=1', value: lt.fromVirt ? 'yes' : 'no' },
      { name: 'count', value: String(lt.count) },
    );
    const w = tg.fetchWord(t, pc);
    if (w !== undefined) out.push({ name: 'instruction', value: disassembleWord(w, pc, (a) => rt.symbols.symbolize(a)).text });
    if (t.hart.csr.hasH) {
      const htval = tg.csrHs(t, CSR.htval) ?? 0n, htinst = tg.csrHs(t, CSR.htinst) ?? 0n;
      out.push({ name: 'htval', value: h64(htval) }, { name: 'htinst', value: h64(htinst) });
      if (htval !== 0n) out.push({ name: 'GPA (htval << 2)', value: hex((htval << 2n) | (tval & 3n)), memoryReference: `p:${hex((htval << 2n) | (tval & 3n))}` });
    }
  }
  const exit = rt.exitDetails(t);
  if (exit.length) out.push({ name: 'VM exit', value: exit[0], children: () => exit.slice(1).map((d, i) => ({ name: String(i), value: d })) });
  const e = rt.pendingExits.get(t.hart.hartId) ?? t.vcpu?.lastExit;
  if (e && e.kind === 'guest-page-fault') {
    out.push({ name: 'GPA', value: hex(e.gpa), memoryReference: `p:${hex(e.gpa)}` });
    if (e.gvaValid) { const gva = (BigInt(e.gvaHi >>> 0) << 32n) | BigInt(e.gvaLo >>> 0); out.push({ name: 'GVA', value: hex(gva), memoryReference: `v:${hex(gva)}` }); }
  }
  return out;
}
