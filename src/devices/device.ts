// What a device model sees of the machine (STYLE.md, after firecracker): offsets into its own
// window, never absolute addresses; interrupt lines, time, DMA and host I/O come through the small
// interfaces below, so the same models serve the bare machine and the hypervisor's MMIO emulation.

export type AccessSize = 1 | 2 | 4 | 8;

export interface Device {
  /** Short name for `info devices` and error messages. */
  readonly name: string;
  /**
   * Guest read of `size` bytes at `offset` in the device's window. Returns the value zero-extended
   * as an unsigned number for sizes 1..4. An 8-byte access is split by the bus into two 4-byte
   * accesses (low word first) unless the device implements `read64`.
   */
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Debugger read: same value as `read` but without side effects (no FIFO pop, no claim). */
  peek(offset: number, size: 1 | 2 | 4): number;
  /** Restores power-on state (SiFive test reboot). */
  reset?(): void;
}

/** A level-triggered interrupt input (a PLIC source, or a hart's pending bit). */
export interface IrqLine {
  set(level: boolean): void;
}

/** Interrupt pending bits of the harts (mip.MSIP/MTIP/SEIP/MEIP...), driven by CLINT and PLIC. */
export interface HartIrqInputs {
  /** Sets or clears bit `bit` (an mip bit number, e.g. 3 = MSIP, 7 = MTIP, 9 = SEIP, 11 = MEIP) of hart `hart`. */
  setPending(hart: number, bit: number, level: boolean): void;
}

/**
 * Deterministic virtual time (ARCHITECTURE.md §2): ticks of the 10 MHz timebase derived from
 * retired instructions, plus idle time skipped while every hart waits in WFI. Never the host clock.
 */
export interface Clock {
  /** Current mtime in ticks (a double: exact up to 2^53 ticks, ~28 years at 10 MHz). */
  now(): number;
}

/** Physical memory as DMA-capable devices (virtio) see it. */
export interface DmaMemory {
  /** Copies guest-physical memory into `dst`; false if any byte is not RAM. */
  readPhys(pa: number, dst: Uint8Array): boolean;
  writePhys(pa: number, src: Uint8Array): boolean;
}

/** Host storage behind a virtio-blk device (a file in the CLI, an in-memory image in tests). */
export interface BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, dst: Uint8Array): void;
  write(offset: number, src: Uint8Array): void;
  flush(): void;
}

/** Where the guest console's bytes go (stdout in the CLI, a terminal in the editor). */
export interface ByteSink {
  write(byte: number): void;
}

/** Why the machine was asked to stop by a device (SiFive test device, SBI SRST). */
export type PowerRequest =
  | { kind: 'poweroff'; code: number }
  | { kind: 'reboot' };
