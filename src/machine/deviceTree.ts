// The device tree of the configured machine, in the shape QEMU's `virt` board gives it, so that
// unmodified Debian OpenSBI, U-Boot and Linux accept it (ARCHITECTURE.md §2).
//
// Intended differences from `qemu-system-riscv64 -machine virt` (7.2) — checked by
// test/unit/machine/deviceTree.test.ts against QEMU's own dump:
//   - no /pmu, /fw-cfg@10100000, /flash@20000000, /platform-bus@4000000, /soc/pci@30000000:
//     those devices are not emulated;
//   - /chosen has bootargs and linux,initrd-* only when configured, and rng-seed only when the
//     caller passes one (QEMU always adds random bytes; ours must be deterministic);
//   - cpus carry riscv,isa-base and riscv,isa-extensions next to riscv,isa (newer QEMU does too);
//   - plic riscv,ndev is 95 (sources 1..95; QEMU 7.2 says 96, later QEMU corrected it to 95);
//   - with hypervisorGuest, no /soc/clint@2000000 (the guest takes TIME and IPI from SBI) and no
//     syscon poweroff/reboot nodes (it powers off and reboots through SBI SRST);
//   - nodes appear in ascending address order (QEMU prepends, so its order is reversed).

import { UserError } from '../common/errors';
import { Fdt, FdtNode, cells64 } from './fdt';
import {
  CLINT_BASE, CLINT_SIZE, COMPATIBLE, PLIC_BASE, PLIC_NDEV, PLIC_SIZE, RAM_BASE, RTC_BASE, RTC_IRQ, RTC_SIZE,
  SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE, TIMEBASE_HZ, UART0_BASE, UART0_CLOCK_HZ, UART0_IRQ, UART0_SIZE,
  VIRTIO_MMIO_COUNT, VIRTIO_MMIO_SIZE, virtioMmioBase, virtioMmioIrq,
} from './memoryMap';

const VIRTIO_MAX = VIRTIO_MMIO_COUNT;
/** SiFive test device commands (sifive,test0): FINISHER_PASS and FINISHER_RESET. */
const TEST_POWEROFF = 0x5555, TEST_REBOOT = 0x7777;

// Local interrupt numbers on riscv,cpu-intc (privileged spec, mip/mie bits).
const IRQ_M_SOFT = 3, IRQ_M_TIMER = 7, IRQ_S_EXT = 9, IRQ_M_EXT = 11;

/** What the device tree describes. */
export interface DeviceTreeConfig {
  harts: number;
  memoryBytes: number;
  /** ISA string for riscv,isa, e.g. "rv64imafdch_zicsr_zifencei_zihintpause". */
  isa: string;
  mmuType: 'sv39' | 'sv48' | 'sv57';
  bootargs?: string;
  /** Physical range of the initrd, end exclusive. */
  initrd?: { start: number; end: number };
  /** virtio-mmio transports to describe, 0..8 (default 8). */
  virtioSlots?: number;
  /** The guest of the embedded hypervisor (ARCHITECTURE.md §3): no CLINT node. */
  hypervisorGuest?: boolean;
  /** /chosen/rng-seed bytes; omitted when absent. Use deterministicRngSeed() for a fixed one. */
  rngSeed?: Uint8Array;
}

/** The parts of an ISA string: riscv,isa-base and riscv,isa-extensions. */
export interface IsaInfo {
  base: 'rv32i' | 'rv64i';
  extensions: string[];
}

/**
 * Splits an ISA string ("rv64imafdc_zicsr_zifencei") into base and extension names, lower case,
 * without version suffixes; "g" expands to i, m, a, f, d, zicsr, zifencei (unprivileged spec,
 * "ISA Extension Naming Conventions").
 */
export function parseIsaString(isa: string): IsaInfo {
  const s = isa.trim().toLowerCase();
  const m = /^rv(32|64)([a-z0-9_]*)$/.exec(s);
  if (!m) throw new UserError(`ISA string "${isa}" must start with rv32 or rv64`);
  const base = m[1] === '64' ? 'rv64i' : 'rv32i';
  const rest = m[2];
  if (!/^[ieg]/.test(rest)) throw new UserError(`ISA string "${isa}" must begin with i, e or g after rv${m[1]}`);
  const exts: string[] = [];
  const add = (e: string): void => { if (!exts.includes(e)) exts.push(e); };
  const version = /^\d+(p\d+)?/;
  let i = 0;
  // Single-letter extensions until the first multi-letter one (z*, s*, x*) or an underscore.
  while (i < rest.length) {
    const c = rest[i];
    if (c === '_') { i++; continue; }
    if (c === 'z' || c === 's' || c === 'x') break;
    if (!/[a-z]/.test(c)) throw new UserError(`ISA string "${isa}": unexpected "${c}"`);
    i++;
    const v = version.exec(rest.slice(i));
    if (v) i += v[0].length;
    if (c === 'g') { for (const e of ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei']) add(e); } else add(c);
  }
  for (const part of rest.slice(i).split('_')) {
    if (part === '') continue;
    if (!/^[zsx][a-z0-9]*$/.test(part)) throw new UserError(`ISA string "${isa}": bad extension "${part}"`);
    add(part.replace(/\d+(p\d+)?$/, ''));
  }
  return { base, extensions: exts };
}

/** 32 bytes derived from `seed` only (xorshift32), for a reproducible /chosen/rng-seed. */
export function deterministicRngSeed(seed: number): Uint8Array {
  const out = new Uint8Array(32);
  let x = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < out.length; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x >>> 24; out[i + 1] = x >>> 16; out[i + 2] = x >>> 8; out[i + 3] = x;
  }
  return out;
}

/** `reg = <addr size>` with #address-cells = #size-cells = 2. */
function reg(node: FdtNode, base: number, size: number): void {
  node.setU32s('reg', [...cells64(base), ...cells64(size)]);
}

function hex(n: number): string {
  return n.toString(16);
}

function validate(cfg: DeviceTreeConfig): void {
  if (!Number.isInteger(cfg.harts) || cfg.harts < 1 || cfg.harts > 512) throw new UserError(`harts must be 1..512, got ${cfg.harts}`);
  if (!Number.isSafeInteger(cfg.memoryBytes) || cfg.memoryBytes <= 0 || cfg.memoryBytes % 4096 !== 0) {
    throw new UserError(`memory size must be a positive multiple of 4 KiB, got ${cfg.memoryBytes}`);
  }
  const slots = cfg.virtioSlots ?? VIRTIO_MAX;
  if (!Number.isInteger(slots) || slots < 0 || slots > VIRTIO_MAX) throw new UserError(`virtioSlots must be 0..${VIRTIO_MAX}, got ${slots}`);
  if (!['sv39', 'sv48', 'sv57'].includes(cfg.mmuType)) throw new UserError(`unknown MMU type ${String(cfg.mmuType)}`);
  if (cfg.initrd) {
    const { start, end } = cfg.initrd;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) throw new UserError(`bad initrd range ${start}..${end}`);
  }
  if (cfg.bootargs?.includes('\0')) throw new UserError('bootargs may not contain NUL');
}

/** Builds the device tree as a tree (for inspection); buildDeviceTree() serializes it. */
export function buildDeviceTreeNodes(cfg: DeviceTreeConfig): Fdt {
  validate(cfg);
  const isa = parseIsaString(cfg.isa);
  const fdt = new Fdt();
  const root = fdt.root;
  root.setU32('#address-cells', 2).setU32('#size-cells', 2)
    .setString('compatible', 'riscv-virtio').setString('model', 'riscv-virtio,qemu');

  const chosen = root.addChild('chosen');
  if (cfg.bootargs !== undefined) chosen.setString('bootargs', cfg.bootargs);
  chosen.setString('stdout-path', `/soc/serial@${hex(UART0_BASE)}`);
  if (cfg.initrd) {
    chosen.setU64('linux,initrd-start', cfg.initrd.start);
    chosen.setU64('linux,initrd-end', cfg.initrd.end);
  }
  if (cfg.rngSeed) chosen.setBytes('rng-seed', cfg.rngSeed.slice());

  const mem = root.addChild(`memory@${hex(RAM_BASE)}`);
  mem.setString('device_type', 'memory');
  reg(mem, RAM_BASE, cfg.memoryBytes);

  const cpus = root.addChild('cpus');
  cpus.setU32('#address-cells', 1).setU32('#size-cells', 0).setU32('timebase-frequency', TIMEBASE_HZ);
  const cpuPhandles: number[] = [];
  const intcPhandles: number[] = [];
  for (let h = 0; h < cfg.harts; h++) {
    const cpu = cpus.addChild(`cpu@${hex(h)}`);
    cpu.setString('device_type', 'cpu').setU32('reg', h).setString('status', 'okay').setString('compatible', 'riscv')
      .setString('riscv,isa', cfg.isa).setString('riscv,isa-base', isa.base).setStrings('riscv,isa-extensions', isa.extensions)
      .setString('mmu-type', `riscv,${cfg.mmuType}`);
    cpuPhandles.push(fdt.allocPhandle(cpu));
    const intc = cpu.addChild('interrupt-controller');
    intc.setU32('#interrupt-cells', 1).setEmpty('interrupt-controller').setString('compatible', 'riscv,cpu-intc');
    intcPhandles.push(fdt.allocPhandle(intc));
  }
  const cluster = cpus.addChild('cpu-map').addChild('cluster0');
  for (let h = 0; h < cfg.harts; h++) cluster.addChild(`core${h}`).setU32('cpu', cpuPhandles[h]);

  const soc = root.addChild('soc');
  soc.setU32('#address-cells', 2).setU32('#size-cells', 2).setString('compatible', 'simple-bus').setEmpty('ranges');

  // Children of /soc in ascending address order.
  const test = soc.addChild(`test@${hex(SIFIVE_TEST_BASE)}`);
  test.setStrings('compatible', COMPATIBLE.sifiveTest);
  reg(test, SIFIVE_TEST_BASE, SIFIVE_TEST_SIZE);
  const testPhandle = fdt.allocPhandle(test);

  // The PLIC's phandle is needed by devices listed before it.
  const plic = new FdtNode(`plic@${hex(PLIC_BASE)}`);
  const plicPhandle = fdt.allocPhandle(plic);

  const rtc = soc.addChild(`rtc@${hex(RTC_BASE)}`);
  rtc.setStrings('compatible', COMPATIBLE.rtc);
  reg(rtc, RTC_BASE, RTC_SIZE);
  rtc.setU32('interrupts', RTC_IRQ).setU32('interrupt-parent', plicPhandle);

  if (!cfg.hypervisorGuest) {
    const clint = soc.addChild(`clint@${hex(CLINT_BASE)}`);
    clint.setStrings('compatible', COMPATIBLE.clint);
    reg(clint, CLINT_BASE, CLINT_SIZE);
    clint.setU32s('interrupts-extended', intcPhandles.flatMap((ph) => [ph, IRQ_M_SOFT, ph, IRQ_M_TIMER]));
  }

  // Two PLIC contexts per hart, M then S, as on QEMU virt: context 2h is hart h's M-mode
  // external interrupt, 2h+1 its S-mode one. Linux uses only the S contexts.
  plic.setU32('#interrupt-cells', 1).setU32('#address-cells', 0).setEmpty('interrupt-controller')
    .setStrings('compatible', COMPATIBLE.plic).setU32('riscv,ndev', PLIC_NDEV);
  reg(plic, PLIC_BASE, PLIC_SIZE);
  plic.setU32s('interrupts-extended', intcPhandles.flatMap((ph) => [ph, IRQ_M_EXT, ph, IRQ_S_EXT]));
  soc.children.push(plic);

  const uart = soc.addChild(`serial@${hex(UART0_BASE)}`);
  uart.setStrings('compatible', COMPATIBLE.uart);
  reg(uart, UART0_BASE, UART0_SIZE);
  uart.setU32('clock-frequency', UART0_CLOCK_HZ).setU32('interrupts', UART0_IRQ).setU32('interrupt-parent', plicPhandle);

  const slots = cfg.virtioSlots ?? VIRTIO_MAX;
  for (let n = 0; n < slots; n++) {
    const base = virtioMmioBase(n);
    const v = soc.addChild(`virtio_mmio@${hex(base)}`);
    v.setStrings('compatible', COMPATIBLE.virtioMmio);
    reg(v, base, VIRTIO_MMIO_SIZE);
    v.setU32('interrupts', virtioMmioIrq(n)).setU32('interrupt-parent', plicPhandle);
  }

  // Power-off and reboot through the test device (syscon), as QEMU describes them. The embedded
  // hypervisor's guest powers off through SBI SRST instead (ARCHITECTURE.md §3), so its tree
  // leaves these out; the test device itself stays for software that writes it directly.
  if (cfg.hypervisorGuest) return fdt;
  root.addChild('poweroff').setString('compatible', 'syscon-poweroff')
    .setU32('regmap', testPhandle).setU32('offset', 0).setU32('value', TEST_POWEROFF);
  root.addChild('reboot').setString('compatible', 'syscon-reboot')
    .setU32('regmap', testPhandle).setU32('offset', 0).setU32('value', TEST_REBOOT);

  return fdt;
}

/** The DTB (version 17) describing exactly the configured machine. */
export function buildDeviceTree(cfg: DeviceTreeConfig): Uint8Array {
  return buildDeviceTreeNodes(cfg).toBytes();
}
