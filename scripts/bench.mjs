// `npm run bench`: hvscope and QEMU side by side on the shared benchmark guest (../shared/bench).
// Benchmarks are not tests (ARCHITECTURE.md §9): this prints figures from one invocation, plus a
// MISMATCH line whenever hvscope's per-kernel instruction counts differ from the exact ones.
//
//   node scripts/bench.mjs [--quick] [--runs N] [--only hvscope|qemu] [--engine jit|interp|both]
//     --quick     bench-s1.elf only (SCALE=1, ~0.23e9 instructions) instead of bench/bench-S/bench-VS
//     --runs N    time N runs of each engine and mode, report the median (default 1)
//     --only E    run one emulator only (hvscope or qemu)
//     --engine E  hvscope's engine: the translator (jit), the interpreter (interp), or both (default)
//
// Per mode: QEMU once with `-icount shift=0` (exact instret: its minstret counts instructions only
// then), QEMU N times without it (the timing), hvscope N times. MIPS = the guest's whole-program
// instret / wall time of the process (start-up included). The expected per-kernel counts come from
// test/fixtures/bench-expected.json, shared with test/integration/bench.test.ts; for SCALE=10 they
// are the table of ../shared/bench/README.md ("instructions at SCALE=10").
// Exit status: 0 when every run passed with the expected counts (skips excepted), 1 otherwise,
// 2 for a bad option or a missing prerequisite (QEMU, ../shared/bench/prebuilt).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prebuilt = resolve(repoRoot, '..', 'shared', 'bench', 'prebuilt');
const expectedFile = join(repoRoot, 'test', 'fixtures', 'bench-expected.json');
const qemuBin = process.env.QEMU ?? 'qemu-system-riscv64';
const HVSCOPE_TIMEOUT_MS = 20 * 60_000; // ~40 MIPS today: bench.elf takes about a minute
const QEMU_TIMEOUT_MS = 3 * 60_000;

const USAGE = 'usage: node scripts/bench.mjs [--quick] [--runs N] [--only hvscope|qemu] [--engine jit|interp|both]';

function parseArgs(argv) {
  const o = { quick: false, runs: 1, only: undefined, engines: ['interp', 'jit'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (argv[i + 1] === undefined) fail(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (flag) {
      case '--quick': o.quick = true; break;
      case '--runs': {
        const v = value(), n = Number(v);
        if (!Number.isInteger(n) || n < 1) fail(`--runs: expected a positive integer, got '${v}'`);
        o.runs = n; break;
      }
      case '--only': {
        const v = value();
        if (v !== 'hvscope' && v !== 'qemu') fail(`--only: expected hvscope or qemu, got '${v}'`);
        o.only = v; break;
      }
      case '--engine': {
        const v = value();
        if (v !== 'jit' && v !== 'interp' && v !== 'both') fail(`--engine: expected jit, interp or both, got '${v}'`);
        o.engines = v === 'both' ? ['interp', 'jit'] : [v]; break;
      }
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown option '${a}'\n${USAGE}`);
    }
  }
  return o;
}

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

/** The guest's report: `kernel NAME reps=N instret=N ...`, `total program instret=N`, `RESULT ...`. */
function parseReport(text) {
  const kernels = new Map();
  for (const m of text.matchAll(/^kernel\s+(\w+)\s+reps=\s*(\d+)\s+instret=\s*(\d+)/gm)) {
    kernels.set(m[1], { reps: Number(m[2]), instret: Number(m[3]) });
  }
  const total = /^total program\s+instret=\s*(\d+)/m.exec(text);
  const result = /^RESULT (.*)$/m.exec(text);
  return { kernels, totalProgram: total ? Number(total[1]) : undefined, result: result ? result[1].trim() : undefined };
}

/** Runs a command to completion (stdin closed), timing it with process.hrtime; kills it on timeout. */
/** Runs a command, timing it; with `mark`, also the time at which stdout first matched it. */
function timedRun(cmd, args, timeoutMs, mark) {
  return new Promise((resolveRun) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    let timedOut = false, marked, seen = '';
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (b) => {
      out.push(b);
      if (mark && marked === undefined) {
        seen = (seen + b.toString('latin1')).slice(-4096);
        if (mark.test(seen)) marked = Number(process.hrtime.bigint() - start) / 1e9;
      }
    });
    child.stderr.on('data', (b) => err.push(b));
    const done = (code, signal, error) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      resolveRun({ wall, marked, code, signal, timedOut, error,
        stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('utf8') });
    };
    child.on('error', (e) => done(null, null, e));
    child.on('close', (code, signal) => done(code, signal, undefined));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const qemuArgs = (elf, icount) => ['-machine', 'virt', '-nographic', '-bios', 'none',
  ...(icount ? ['-icount', 'shift=0'] : []), '-kernel', elf];
const hvscopeArgs = (elf, engine) => [join(repoRoot, 'bin', 'hvscope.js'), 'run', '--engine', engine, '--bare', '--kernel', elf];

/** Why a run did not pass, or undefined when it printed RESULT PASS and exited 0. */
function whyFailed(r, report) {
  if (r.error) return `cannot start: ${r.error.message}`;
  if (r.timedOut) return 'timed out (killed)';
  if (report.result !== 'PASS') return `RESULT ${report.result ?? '(none)'}, exit ${r.code ?? r.signal}`;
  if (r.code !== 0) return `exit ${r.code ?? r.signal}`;
  return undefined;
}

/** The guest needs the H extension and the engine lacks it (bench-VS.elf on today's hvscope). */
const lacksH = (r) => /no-H-extension|illegal instruction/i.test(r.stdout + r.stderr);

/** Compares per-kernel counts; returns mismatch descriptions (empty: all equal). */
function compareCounts(report, expected, what) {
  const out = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = report.kernels.get(name)?.instret;
    if (got !== want) out.push(`kernel ${name}: instret=${got ?? '(missing)'}, expected ${want} (${what})`);
  }
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(prebuilt)) fail(`${prebuilt} is missing: the shared benchmark binaries are needed (see ../shared/bench/README.md)`);
  const table = JSON.parse(readFileSync(expectedFile, 'utf8'));
  const modes = opts.quick
    ? [{ mode: 'M', elf: 'bench-s1.elf' }]
    : [{ mode: 'M', elf: 'bench.elf' }, { mode: 'S', elf: 'bench-S.elf' }, { mode: 'VS', elf: 'bench-VS.elf', needsH: true }];
  for (const m of modes) {
    const set = Object.values(table).find((s) => typeof s === 'object' && s.elves?.includes(m.elf));
    m.expected = set.kernels;
    m.expectedFrom = m.elf === 'bench-s1.elf' ? 'QEMU -icount table in bench-expected.json' : '../shared/bench/README.md';
  }

  const useQemu = opts.only !== 'hvscope';
  const useHvscope = opts.only !== 'qemu';
  if (useQemu && spawnSync(qemuBin, ['--version'], { stdio: 'ignore' }).error) {
    fail(`${qemuBin} is not available (install qemu-system-misc, or use --only hvscope)`);
  }
  if (useHvscope) {
    // Measure the current sources: rebuilding the bundle takes a second.
    console.log('bench: building dist/cli.js (node scripts/build.mjs)');
    const b = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: repoRoot });
    if (b.status !== 0) fail('the build failed');
  }
  console.log(`bench: ${modes.map((m) => m.elf).join(', ')} from ${prebuilt}; ${opts.runs} timed run(s) each, median; node ${process.version}`);

  const rows = [];
  const problems = [];
  for (const m of modes) {
    const elf = join(prebuilt, m.elf);
    let exactTotal; // whole-program instret from QEMU -icount: the instret of QEMU's timed runs
    if (useQemu) {
      process.stdout.write(`  ${m.mode.padEnd(2)} qemu -icount shift=0 ... `);
      const r = await timedRun(qemuBin, qemuArgs(elf, true), QEMU_TIMEOUT_MS);
      const rep = parseReport(r.stdout);
      const why = whyFailed(r, rep);
      console.log(why ?? `${r.wall.toFixed(2)} s`);
      const mism = why ? [] : compareCounts(rep, m.expected, m.expectedFrom);
      if (why) problems.push(`qemu -icount ${m.elf}: ${why}`);
      for (const s of mism) problems.push(`MISMATCH qemu -icount ${m.elf} ${s}`);
      exactTotal = rep.totalProgram;
      m.qemuCounts = why ? undefined : rep.kernels;
      rows.push({ mode: m.mode, elf: m.elf, engine: 'qemu -icount', wall: r.wall, instret: rep.totalProgram,
        check: why ? 'FAILED' : mism.length ? 'MISMATCH' : `${Object.keys(m.expected).length}/${Object.keys(m.expected).length} exact` });

      const walls = [];
      let qwhy;
      for (let i = 0; i < opts.runs && !qwhy; i++) {
        process.stdout.write(`  ${m.mode.padEnd(2)} qemu run ${i + 1}/${opts.runs} ... `);
        const q = await timedRun(qemuBin, qemuArgs(elf, false), QEMU_TIMEOUT_MS);
        qwhy = whyFailed(q, parseReport(q.stdout));
        console.log(qwhy ?? `${q.wall.toFixed(2)} s`);
        if (!qwhy) walls.push(q.wall);
      }
      if (qwhy) problems.push(`qemu ${m.elf}: ${qwhy}`);
      m.qemuWall = walls.length ? median(walls) : undefined;
      // Without -icount QEMU's minstret is host TSC ticks: take instret from the -icount run.
      rows.push({ mode: m.mode, elf: m.elf, engine: 'qemu', wall: m.qemuWall, instret: exactTotal,
        check: qwhy ? 'FAILED' : 'PASS (counts: -icount row)' });
    }

    for (const engine of useHvscope ? opts.engines : []) {
      const label = `hvscope ${engine}`;
      const walls = [];
      let last, hwhy, skipped;
      for (let i = 0; i < opts.runs && !hwhy; i++) {
        process.stdout.write(`  ${m.mode.padEnd(2)} ${label} run ${i + 1}/${opts.runs} ... `);
        const r = await timedRun(process.execPath, hvscopeArgs(elf, engine), HVSCOPE_TIMEOUT_MS);
        const rep = parseReport(r.stdout);
        hwhy = whyFailed(r, rep);
        if (hwhy && m.needsH && lacksH(r)) skipped = 'needs the H extension (issue 4)';
        console.log(skipped ? `skipped: ${skipped} (${hwhy})` : hwhy ?? `${r.wall.toFixed(2)} s`);
        if (!hwhy) { walls.push(r.wall); last = rep; }
      }
      if (skipped) {
        rows.push({ mode: m.mode, elf: m.elf, engine: label, check: `skipped: ${skipped}` });
        continue;
      }
      let check = 'FAILED';
      if (hwhy) problems.push(`${label} ${m.elf}: ${hwhy}`);
      else {
        const mism = compareCounts(last, m.expected, m.expectedFrom);
        if (m.qemuCounts) {
          const fromQemu = Object.fromEntries([...m.qemuCounts].map(([k, v]) => [k, v.instret]));
          mism.push(...compareCounts(last, fromQemu, 'this QEMU -icount run'));
        }
        for (const s of mism) problems.push(`MISMATCH ${label} ${m.elf} ${s}`);
        const n = Object.keys(m.expected).length;
        check = mism.length ? 'MISMATCH' : `${n}/${n} exact`;
      }
      const wall = walls.length ? median(walls) : undefined;
      rows.push({ mode: m.mode, elf: m.elf, engine: label, wall, instret: last?.totalProgram, check,
        vsQemu: wall !== undefined && m.qemuWall !== undefined ? wall / m.qemuWall : undefined });
    }
  }

  // The Linux guest boot (Debian riscv64 Image + busybox initramfs from scripts/get-guests.sh):
  // wall time from process start to the initramfs's BOOT-OK line and to the exit, hvscope under its
  // embedded hypervisor (nested and shadow) next to QEMU booting the same kernel and initramfs.
  const linuxRows = opts.quick ? [] : await benchLinux(useHvscope ? opts.engines : [], useQemu, problems);
  // A floating-point-heavy kernel (test/guests/perf/fpbench.c: FMA, division, square root).
  const fpRows = opts.quick ? [] : await benchFp(useHvscope ? opts.engines : [], useQemu, problems);

  printTable(rows, opts);
  if (problems.length) {
    console.log('');
    for (const p of problems) console.log(p.startsWith('MISMATCH') ? p : `FAILED ${p}`);
  }
  const counted = rows.filter((r) => r.engine.startsWith('hvscope') && r.check.endsWith('exact'));
  if (useHvscope) {
    console.log(problems.length === 0
      ? `\nhvscope per-kernel instret: equal to the expected counts in every run (${counted.map((r) => `${r.mode} ${r.engine.slice(8)}`).join(', ')})`
      : `\n${problems.length} problem(s), see above`);
  }
  if (fpRows.length) printFp(fpRows);
  if (linuxRows.length) printLinux(linuxRows);
  return problems.length === 0 ? 0 : 1;
}

function printTable(rows, opts) {
  const head = ['mode', 'elf', 'engine', 'wall s', 'MIPS', 'x QEMU wall', 'per-kernel instret'];
  const cells = rows.map((r) => [
    r.mode, r.elf, r.engine,
    r.wall === undefined ? '-' : r.wall.toFixed(2),
    r.wall === undefined || r.instret === undefined ? '-' : (r.instret / r.wall / 1e6).toFixed(1),
    r.vsQemu === undefined ? '-' : `${r.vsQemu.toFixed(1)}x`,
    r.check,
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = new Set([3, 4, 5]);
  const line = (c) => c.map((s, i) => (right.has(i) ? s.padStart(width[i]) : s.padEnd(width[i]))).join('  ').trimEnd();
  console.log('');
  console.log(`results (wall: median of ${opts.runs}, process start to exit; MIPS: whole-program instret / wall):`);
  console.log(line(head));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 70; });

const guests = process.env.HVSCOPE_GUESTS ?? join(process.env.HOME ?? '', '.cache', 'hvscope-guests');

async function benchLinux(engines, useQemu, problems) {
  const image = join(guests, 'linux', 'Image'), initrd = join(guests, 'linux', 'initrd.gz');
  if (!existsSync(image) || !existsSync(initrd)) {
    console.log(`Linux boot: skipped (no guests in ${guests}; run scripts/get-guests.sh)`);
    return [];
  }
  const rows = [];
  const boot = async (engine, cmd, args) => {
    process.stdout.write(`  linux ${engine} ... `);
    const r = await timedRun(cmd, args, HVSCOPE_TIMEOUT_MS, /BOOT-OK/);
    const ok = /BOOT-OK/.test(r.stdout) && r.code === 0;
    console.log(ok ? `BOOT-OK at ${r.marked?.toFixed(2)} s, exit at ${r.wall.toFixed(2)} s` : `FAILED (exit ${r.code})`);
    if (!ok) problems.push(`linux ${engine}: no BOOT-OK or exit status ${r.code}`);
    const num = (re) => { const m = re.exec(r.stderr); return m ? Number(m[1]) : undefined; };
    const reasons = [...r.stderr.matchAll(/^(sbi|mmio|wfi|virtual-instruction|shadow-page-fault|guest-page-fault|page-fault|interrupt|exception)\s+(\d+)/gm)]
      .map((m) => `${m[1]} ${m[2]}`).join(', ');
    rows.push({ engine, bootOk: ok ? r.marked : undefined, wall: r.wall, insns: num(/guest instructions retired: (\d+)/),
      exits: num(/^VM exits: (\d+)/m), reasons, refsPerWalk: num(/per walk: ([\d.]+)/) });
  };
  const common = ['--kernel', image, '--initrd', initrd, '--append', 'console=ttyS0', '--exits'];
  if (useQemu) await boot('qemu', qemuBin, ['-machine', 'virt', '-nographic', '-m', '256M', '-kernel', image, '-initrd', initrd, '-append', 'console=ttyS0']);
  for (const engine of engines) {
    for (const paging of ['nested', 'shadow']) {
      await boot(`hvscope ${engine} ${paging}`, process.execPath, [join(repoRoot, 'bin', 'hvscope.js'), 'run', '--engine', engine, '--paging', paging, ...common]);
    }
  }
  return rows;
}

function printLinux(rows) {
  const q = rows.find((r) => r.engine === 'qemu');
  console.log('\nLinux guest boot (Debian riscv64 kernel + busybox initramfs to BOOT-OK, then power-off):');
  const head = ['engine', 'BOOT-OK s', 'exit s', 'x QEMU', 'guest insns', 'VM exits', 'PTE refs/walk'];
  const cells = rows.map((r) => [r.engine, r.bootOk?.toFixed(2) ?? '-', r.wall.toFixed(2),
    q?.bootOk && r.bootOk ? `${(r.bootOk / q.bootOk).toFixed(1)}x` : '-',
    r.insns?.toLocaleString('en-US') ?? '-', r.exits?.toLocaleString('en-US') ?? '-', r.refsPerWalk?.toFixed(2) ?? '-']);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  console.log(head.map((h, i) => h.padEnd(w[i])).join('  '));
  for (const c of cells) console.log(c.map((x, i) => x.padEnd(w[i])).join('  '));
  for (const r of rows) if (r.reasons) console.log(`  ${r.engine} exits by reason: ${r.reasons}`);
}

async function benchFp(engines, useQemu, problems) {
  const elf = join(repoRoot, 'test', 'guests', 'perf', 'fpbench.elf');
  const rows = [];
  const line = (out) => /fpbench acc=([0-9a-f]+) r=([0-9a-f]+) instret=([0-9a-f]+)/.exec(out);
  let instret, sums;
  for (const engine of engines) {
    process.stdout.write(`  fp hvscope ${engine} ... `);
    const r = await timedRun(process.execPath, hvscopeArgs(elf, engine), HVSCOPE_TIMEOUT_MS);
    const m = line(r.stdout);
    console.log(m && r.code === 0 ? `${r.wall.toFixed(2)} s` : `FAILED (exit ${r.code})`);
    if (!m || r.code !== 0) problems.push(`fpbench hvscope ${engine}: exit ${r.code}`);
    else {
      if (sums && sums !== `${m[1]} ${m[2]}`) problems.push(`MISMATCH fpbench: the engines computed ${sums} and ${m[1]} ${m[2]}`);
      instret = parseInt(m[3], 16); sums = `${m[1]} ${m[2]}`; rows.push({ engine: `hvscope ${engine}`, wall: r.wall });
    }
  }
  if (useQemu) {
    process.stdout.write('  fp qemu ... ');
    const r = await timedRun(qemuBin, qemuArgs(elf, false), QEMU_TIMEOUT_MS);
    const m = line(r.stdout);
    console.log(m && r.code === 0 ? `${r.wall.toFixed(2)} s` : `FAILED (exit ${r.code})`);
    if (!m || r.code !== 0) problems.push(`fpbench qemu: exit ${r.code}`);
    else {
      if (sums && sums !== `${m[1]} ${m[2]}`) problems.push(`MISMATCH fpbench: hvscope computed ${sums}, QEMU ${m[1]} ${m[2]}`);
      rows.push({ engine: 'qemu', wall: r.wall });
    }
  }
  for (const r of rows) r.instret = instret;
  return rows;
}

function printFp(rows) {
  const q = rows.find((r) => r.engine === 'qemu');
  console.log('\nFloating point (test/guests/perf/fpbench.elf, M-mode; instret from hvscope, exact):');
  for (const r of rows) {
    const mips = r.instret ? (r.instret / r.wall / 1e6).toFixed(1) : '-';
    console.log(`  ${r.engine.padEnd(14)} ${r.wall.toFixed(2).padStart(7)} s  ${mips.padStart(7)} MIPS${q && r !== q ? `  ${(r.wall / q.wall).toFixed(1)}x QEMU wall` : ''}`);
  }
}
