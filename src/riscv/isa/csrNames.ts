// CSR number → name, as GNU objdump 2.40 prints them (privileged spec 1.12 by default; 1.11 for
// ELF files whose Tag_RISCV_priv_spec says so). Names are the privileged manual's ("CSR
// Listing" tables), plus the vector, AIA, Smstateen, Sstc, Zkr and debug CSRs objdump knows.
// Unknown numbers return undefined; the disassembler then prints the number in hex.

export type PrivSpec = '1.11' | '1.12';

const names12 = new Map<number, string>();
function def(num: number, name: string): void { names12.set(num, name); }
function range(base: number, from: number, to: number, name: (i: number) => string): void {
  for (let i = from; i <= to; i++) def(base + i - from, name(i));
}

// Unprivileged: floating point, vector, entropy source, counters.
def(0x001, 'fflags'); def(0x002, 'frm'); def(0x003, 'fcsr');
def(0x008, 'vstart'); def(0x009, 'vxsat'); def(0x00a, 'vxrm'); def(0x00f, 'vcsr'); def(0x015, 'seed');
def(0xc00, 'cycle'); def(0xc01, 'time'); def(0xc02, 'instret');
range(0xc03, 3, 31, (i) => `hpmcounter${i}`);
def(0xc20, 'vl'); def(0xc21, 'vtype'); def(0xc22, 'vlenb');
def(0xc80, 'cycleh'); def(0xc81, 'timeh'); def(0xc82, 'instreth');
range(0xc83, 3, 31, (i) => `hpmcounter${i}h`);

// Supervisor.
const sup: [number, string][] = [
  [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'], [0x10a, 'senvcfg'],
  [0x10c, 'sstateen0'], [0x10d, 'sstateen1'], [0x10e, 'sstateen2'], [0x10f, 'sstateen3'], [0x114, 'sieh'],
  [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'], [0x143, 'stval'], [0x144, 'sip'], [0x14d, 'stimecmp'],
  [0x150, 'siselect'], [0x151, 'sireg'], [0x154, 'siph'], [0x15c, 'stopei'], [0x15d, 'stimecmph'], [0x180, 'satp'],
  [0x5a8, 'scontext'], [0xda0, 'scountovf'], [0xdb0, 'stopi'],
];
// Virtual supervisor.
const vs: [number, string][] = [
  [0x200, 'vsstatus'], [0x204, 'vsie'], [0x205, 'vstvec'], [0x214, 'vsieh'], [0x240, 'vsscratch'], [0x241, 'vsepc'],
  [0x242, 'vscause'], [0x243, 'vstval'], [0x244, 'vsip'], [0x24d, 'vstimecmp'], [0x250, 'vsiselect'], [0x251, 'vsireg'],
  [0x254, 'vsiph'], [0x25c, 'vstopei'], [0x25d, 'vstimecmph'], [0x280, 'vsatp'], [0xeb0, 'vstopi'],
];
// Hypervisor.
const hyp: [number, string][] = [
  [0x600, 'hstatus'], [0x602, 'hedeleg'], [0x603, 'hideleg'], [0x604, 'hie'], [0x605, 'htimedelta'],
  [0x606, 'hcounteren'], [0x607, 'hgeie'], [0x608, 'hvien'], [0x609, 'hvictl'], [0x60a, 'henvcfg'],
  [0x60c, 'hstateen0'], [0x60d, 'hstateen1'], [0x60e, 'hstateen2'], [0x60f, 'hstateen3'], [0x613, 'hidelegh'],
  [0x615, 'htimedeltah'], [0x618, 'hvienh'], [0x61a, 'henvcfgh'], [0x61c, 'hstateen0h'], [0x61d, 'hstateen1h'],
  [0x61e, 'hstateen2h'], [0x61f, 'hstateen3h'], [0x643, 'htval'], [0x644, 'hip'], [0x645, 'hvip'],
  [0x646, 'hviprio1'], [0x647, 'hviprio2'], [0x64a, 'htinst'], [0x655, 'hviph'], [0x656, 'hviprio1h'],
  [0x657, 'hviprio2h'], [0x680, 'hgatp'], [0x6a8, 'hcontext'], [0xe12, 'hgeip'],
];
// Machine.
const mach: [number, string][] = [
  [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'], [0x304, 'mie'], [0x305, 'mtvec'],
  [0x306, 'mcounteren'], [0x308, 'mvien'], [0x309, 'mvip'], [0x30a, 'menvcfg'], [0x30c, 'mstateen0'],
  [0x30d, 'mstateen1'], [0x30e, 'mstateen2'], [0x30f, 'mstateen3'], [0x310, 'mstatush'], [0x313, 'midelegh'],
  [0x314, 'mieh'], [0x318, 'mvienh'], [0x319, 'mviph'], [0x31a, 'menvcfgh'], [0x31c, 'mstateen0h'],
  [0x31d, 'mstateen1h'], [0x31e, 'mstateen2h'], [0x31f, 'mstateen3h'], [0x320, 'mcountinhibit'],
  [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'], [0x343, 'mtval'], [0x344, 'mip'], [0x34a, 'mtinst'],
  [0x34b, 'mtval2'], [0x350, 'miselect'], [0x351, 'mireg'], [0x354, 'miph'], [0x35c, 'mtopei'],
  [0x747, 'mseccfg'], [0x757, 'mseccfgh'],
  [0x7a0, 'tselect'], [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'], [0x7a4, 'tinfo'], [0x7a5, 'tcontrol'],
  [0x7a8, 'mcontext'], [0x7aa, 'mscontext'], [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'], [0x7b3, 'dscratch1'],
  [0xb00, 'mcycle'], [0xb02, 'minstret'], [0xb80, 'mcycleh'], [0xb82, 'minstreth'],
  [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'], [0xf15, 'mconfigptr'], [0xfb0, 'mtopi'],
];
for (const [n, s] of [...sup, ...vs, ...hyp, ...mach]) def(n, s);
range(0x323, 3, 31, (i) => `mhpmevent${i}`);
range(0x723, 3, 31, (i) => `mhpmevent${i}h`);
range(0xb03, 3, 31, (i) => `mhpmcounter${i}`);
range(0xb83, 3, 31, (i) => `mhpmcounter${i}h`);
range(0x3a0, 0, 15, (i) => `pmpcfg${i}`);
range(0x3b0, 0, 63, (i) => `pmpaddr${i}`);

// Privileged spec 1.11 had the N extension's user trap CSRs and sedeleg/sideleg, and lacked the
// CSRs introduced by 1.12.
const only11 = new Map<number, string>([
  [0x000, 'ustatus'], [0x004, 'uie'], [0x005, 'utvec'], [0x040, 'uscratch'], [0x041, 'uepc'], [0x042, 'ucause'],
  [0x043, 'utval'], [0x044, 'uip'], [0x102, 'sedeleg'], [0x103, 'sideleg'],
]);
const new12 = new Set<number>([0x10a, 0x30a, 0x310, 0x31a, 0x34a, 0x34b, 0x747, 0x757, 0xf15]);
for (let i = 0x3a4; i <= 0x3af; i++) new12.add(i);
for (let i = 0x3c0; i <= 0x3ef; i++) new12.add(i);

/** The CSR's name, or undefined when objdump (for that privileged spec) has none. */
export function csrName(csr: number, privSpec: PrivSpec = '1.12'): string | undefined {
  if (privSpec === '1.11') {
    const old = only11.get(csr);
    if (old !== undefined) return old;
    if (new12.has(csr)) return undefined;
  }
  return names12.get(csr);
}

/** The CSR number for a name (1.12 names), for evaluating expressions like `$mstatus`. */
export function csrNumber(name: string): number | undefined {
  return byName.get(name);
}
const byName = new Map<string, number>([...names12].map(([n, s]) => [s, n]));
