// Shared vocabulary of the SBI implementation (riscv-sbi-doc, "Binary Encoding"): error codes,
// extension IDs, what a call carries, what a handler returns and what it may ask of the VM.
// A handler returns what the vCPU loop does next (STYLE.md, after salus): return values, inject a
// trap, halt the VM, or leave the vCPU waiting/stopped.
import type { ByteSink, PowerRequest } from '../../devices/device';
import type { GuestMemory } from '../guestMemory';
import type { Vcpu } from '../vcpu';

/** sbiret.error values ("Standard SBI Errors"). */
export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;

/** Extension IDs. */
export const EID = {
  BASE: 0x10,
  TIME: 0x54494d45,
  IPI: 0x735049,
  RFENCE: 0x52464e43,
  HSM: 0x48534d,
  SRST: 0x53525354,
  DBCN: 0x4442434e,
  LEGACY_SET_TIMER: 0x00,
  LEGACY_CONSOLE_PUTCHAR: 0x01,
  LEGACY_CONSOLE_GETCHAR: 0x02,
  LEGACY_CLEAR_IPI: 0x03,
  LEGACY_SEND_IPI: 0x04,
  LEGACY_REMOTE_FENCE_I: 0x05,
  LEGACY_REMOTE_SFENCE_VMA: 0x06,
  LEGACY_REMOTE_SFENCE_VMA_ASID: 0x07,
  LEGACY_SHUTDOWN: 0x08,
} as const;

/** SBI specification version this implementation follows: 2.0 (major in bits 30:24). */
export const SBI_SPEC_VERSION = 2 << 24;
/**
 * sbi_get_impl_id. 0..11 are taken by known implementations (BBL, OpenSBI, Xvisor, KVM, RustSBI,
 * ...); hvscope uses "hvsc" in ASCII, well outside that range.
 */
export const SBI_IMPL_ID = 0x68767363;
export const SBI_IMPL_VERSION = 0x00000100;

/** An SBI call: a7 = EID, a6 = FID, a0..a5 as int32 halves (args[2i] low, args[2i+1] high). */
export interface SbiCall {
  readonly ext: number;
  readonly fid: number;
  readonly args: Int32Array;
}

export type SbiOutcome =
  /** sbiret: a0 = error, a1 = value; sepc moves past the ECALL. `wait`: the vCPU then waits (retentive suspend). */
  | { readonly kind: 'ret'; readonly error: number; readonly valueLo: number; readonly valueHi: number; readonly wait?: boolean }
  /** Legacy call: only a0 is written. */
  | { readonly kind: 'legacy'; readonly lo: number; readonly hi: number }
  /** A fault taken while accessing guest memory for the call: injected with sepc at the ECALL. */
  | { readonly kind: 'inject'; readonly cause: number; readonly tvalLo: number; readonly tvalHi: number }
  /** The guest asked to power off or reboot. */
  | { readonly kind: 'halt'; readonly request: PowerRequest }
  /** The vCPU left the STARTED state without returning (HSM stop, non-retentive suspend). */
  | { readonly kind: 'stopped' };

export const ret = (error: number, valueLo = 0, valueHi = 0): SbiOutcome =>
  ({ kind: 'ret', error, valueLo: valueLo | 0, valueHi: valueHi | 0 });
export const legacy = (v: number): SbiOutcome => ({ kind: 'legacy', lo: v | 0, hi: v < 0 ? -1 : 0 });

/** What SBI handlers may ask of the VM (implemented by Vm; tests pass fakes). */
export interface SbiHost {
  readonly vcpus: readonly Vcpu[];
  /** Extensions the dispatcher serves (for probe_extension). */
  probe(ext: number): number;
  /** SBI TIME: program vCPU's timer for guest time (lo, hi) and clear its pending timer interrupt. */
  setTimer(vcpu: Vcpu, lo: number, hi: number): void;
  /** Raise the supervisor software interrupt of `target` (hvip.VSSIP). */
  sendIpi(target: Vcpu): void;
  /** Clear the caller's pending software interrupt; true if one was pending. */
  clearIpi(vcpu: Vcpu): boolean;
  /** FENCE.I on `target`. */
  fenceI(target: Vcpu): void;
  /** SFENCE.VMA on `target` (forwarded as HFENCE.VVMA, or a shadow flush). */
  sfenceVma(target: Vcpu): void;
  /** True when `gpa` is guest RAM the guest may execute (HSM start/resume addresses). */
  isExecutable(gpa: number): boolean;
  /** Start a STOPPED vCPU at `startAddr` with a0 = hart id, a1 = opaque. */
  startVcpu(target: Vcpu, startAddr: number, opaqueLo: number, opaqueHi: number): void;
  /** Guest console output (SBI DBCN and legacy putchar). */
  readonly console: ByteSink;
  /** One byte of console input, or -1 when none is waiting. */
  readConsoleByte(): number;
  /** Guest RAM by GPA. */
  readonly guestMem: GuestMemory;
  /**
   * Reads `len` bytes of guest virtual memory as the vCPU's VS-mode would (legacy hart masks).
   * Returns the bytes, or the exception code of the fault (load page/access fault).
   */
  readGuestVirtual(vcpu: Vcpu, vaLo: number, vaHi: number, len: number): Uint8Array | number;
}

/** One SBI extension. */
export interface SbiExtension {
  readonly name: string;
  /** Extension IDs it answers (the legacy extension answers 0x00..0x08). */
  readonly eids: readonly number[];
  handle(host: SbiHost, vcpu: Vcpu, call: SbiCall): SbiOutcome;
  /** Function name for the exit log. */
  fnName(fid: number, ext: number): string;
}

/** Argument i (a0..a5) low half. */
export const argLo = (c: SbiCall, i: number): number => c.args[2 * i];
/** Argument i high half. */
export const argHi = (c: SbiCall, i: number): number => c.args[2 * i + 1];
/** Argument i as an unsigned number (exact below 2^53; larger values stay >= 2^53). */
export const argU = (c: SbiCall, i: number): number => (c.args[2 * i + 1] >>> 0) * 4294967296 + (c.args[2 * i] >>> 0);

/**
 * Applies `fn` to every vCPU named by (hart_mask, hart_mask_base) ("Hart List Parameter"): a base
 * of all ones means every hart. Validates everything before applying anything. Returns an error code.
 */
export function forEachInMask(host: SbiHost, c: SbiCall, maskArg: number, fn: (v: Vcpu) => void): number {
  const mLo = argLo(c, maskArg), mHi = argHi(c, maskArg);
  if (argLo(c, maskArg + 1) === -1 && argHi(c, maskArg + 1) === -1) {
    for (const v of host.vcpus) fn(v);
    return SBI_SUCCESS;
  }
  const base = argU(c, maskArg + 1);
  const targets: Vcpu[] = [];
  for (let i = 0; i < 64; i++) {
    const set = i < 32 ? (mLo >>> i) & 1 : (mHi >>> (i - 32)) & 1;
    if (!set) continue;
    const id = base + i;
    if (id >= host.vcpus.length) return SBI_ERR_INVALID_PARAM;
    targets.push(host.vcpus[id]);
  }
  for (const v of targets) fn(v);
  return SBI_SUCCESS;
}
