// Shared by the DWARF tests: builds small C and assembly programs with the RISC-V cross toolchain
// into a temporary directory (once per mocha run) and runs binutils to get the reference answers.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf64 } from '../../../src/elf/elf64';
import { DebugInfo } from '../../../src/dwarf';

export const GCC = 'riscv64-unknown-elf-gcc';
export const OBJDUMP = 'riscv64-unknown-elf-objdump';
export const READELF = 'riscv64-unknown-elf-readelf';

export const haveToolchain = [GCC, OBJDUMP, READELF].every((t) => spawnSync(t, ['--version']).status === 0);
export const MISSING_TOOLCHAIN = `SKIPPED: ${GCC}/${OBJDUMP}/${READELF} not found (apt-get install gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)`;

/** C source: typedefs, a struct, pointers, an array in a nested block, a loop, a static volatile. */
export const C_SOURCE = `#include <stdint.h>
typedef unsigned long ulong;
struct pt { int x; long y; };
static volatile int g;
const char *names[3];
int add(int a, int b) { int c = a + b; g = c; return c; }
ulong walk(const struct pt *p, ulong n) {
  ulong s = 0;
  for (ulong i = 0; i < n; i++) {
    s += p[i].x;
    { char buf[4]; buf[0] = (char)s; g = buf[0]; }
  }
  return s;
}
static int __attribute__((noinline)) twice(int (*f)(int, int), int v) { return f(v, v); }
int main(void) {
  struct pt p[2] = {{1, 2}, {3, 4}};
  return add(1, 2) + (int)walk(p, 2) + twice(add, 3); // #BP main
}
`;

/** Assembly with hand-written CFI covering every rule kind readelf can show. */
export const ASM_SOURCE = `  .text
  .globl asmfn
  .type asmfn, @function
asmfn:
  .cfi_startproc
  addi sp, sp, -32
  .cfi_def_cfa_offset 32
  sd ra, 24(sp)
  sd s0, 16(sp)
  .cfi_offset ra, -8
  .cfi_offset s0, -16
  addi s0, sp, 32
  .cfi_def_cfa s0, 0
  .cfi_remember_state
  .cfi_def_cfa sp, 32
  nop
  .cfi_restore_state
  ld ra, 24(sp)
  .cfi_restore ra
  .cfi_undefined s1
  .cfi_same_value s2
  .cfi_register s3, s4
  .cfi_val_offset s5, -24
  .cfi_rel_offset s6, 8
  ld s0, 16(sp)
  .cfi_def_cfa sp, 32
  addi sp, sp, 32
  .cfi_def_cfa_offset 0
  ret
  .cfi_endproc
  .size asmfn, .-asmfn
  .globl exprfn
  .type exprfn, @function
exprfn:
  .cfi_startproc
  .cfi_escape 0x0f, 0x03, 0x72, 0x10, 0x06
  nop
  .cfi_escape 0x10, 0x08, 0x02, 0x72, 0x00
  ret
  .cfi_endproc
  .size exprfn, .-exprfn
`;

export interface Variant {
  name: string;
  flags: string[];
}

/** -O0/-O1 x DWARF 4/5 x .debug_frame/.eh_frame for the C code; the assembly always gives .eh_frame. */
export const VARIANTS: Variant[] = [
  { name: 'O0-dwarf5-eh', flags: ['-O0', '-gdwarf-5', '-fasynchronous-unwind-tables'] },
  { name: 'O1-dwarf5-eh', flags: ['-O1', '-gdwarf-5', '-fasynchronous-unwind-tables'] },
  { name: 'O0-dwarf4-debugframe', flags: ['-O0', '-gdwarf-4', '-fno-asynchronous-unwind-tables'] },
  { name: 'O1-dwarf4-debugframe', flags: ['-O1', '-gdwarf-4', '-fno-asynchronous-unwind-tables'] },
  { name: 'O1-dwarf5-debugframe', flags: ['-O1', '-gdwarf-5', '-fno-asynchronous-unwind-tables'] },
];

export interface Built {
  variant: Variant;
  path: string;
  bytes: Uint8Array;
  dwarf: DebugInfo;
}

let dir: string | undefined;
const cache = new Map<string, Built>();

/** Builds one variant (cached). Kernel-style high link address exercises 64-bit addresses. */
export function build(v: Variant, linkAddress = '0x80000000'): Built {
  const key = `${v.name}@${linkAddress}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'hvscope-dwarf-'));
    writeFileSync(join(dir, 'prog.c'), C_SOURCE);
    writeFileSync(join(dir, 'cfi.S'), ASM_SOURCE);
    process.on('exit', () => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); });
  }
  const out = join(dir, `${v.name}-${linkAddress}.elf`);
  const args = ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-g', ...v.flags, '-ffreestanding', '-nostdlib',
    '-nostartfiles', '-static', `-Wl,-Ttext=${linkAddress}`, '-Wl,-e,main', '-Wl,--no-warn-rwx-segments', '-o', out, 'prog.c', 'cfi.S'];
  const res = spawnSync(GCC, args, { cwd: dir, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${GCC} ${args.join(' ')} failed: ${res.stderr}`);
  const bytes = new Uint8Array(readFileSync(out));
  const built = { variant: v, path: out, bytes, dwarf: DebugInfo.fromElf(parseElf64(bytes)) };
  cache.set(key, built);
  return built;
}

export function run(tool: string, args: string[]): string {
  const res = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

export interface ObjdumpRow {
  file: string;
  line: number | undefined; // undefined: end of sequence ("-")
  address: bigint;
  isStmt: boolean;
}

/** Rows of `objdump --dwarf=decodedline`. */
export function objdumpLines(path: string): ObjdumpRow[] {
  const rows: ObjdumpRow[] = [];
  for (const l of run(OBJDUMP, ['--dwarf=decodedline', path]).split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/.exec(l);
    if (m === null) continue;
    rows.push({ file: m[1], line: m[2] === '-' ? undefined : Number(m[2]), address: BigInt(m[3]), isStmt: m[4] !== undefined });
  }
  return rows;
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
