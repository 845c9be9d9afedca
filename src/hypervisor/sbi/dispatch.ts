// The SBI dispatcher: routes an ECALL from VS-mode (a7 = EID, a6 = FID) to its extension and
// writes the result back (riscv-sbi-doc "Binary Encoding": a0 = error, a1 = value; legacy calls
// write a0 only). Unknown extensions return SBI_ERR_NOT_SUPPORTED.
import type { Vcpu } from '../vcpu';
import { baseExtension } from './base';
import { dbcnExtension } from './dbcn';
import { hsmExtension } from './hsm';
import { ipiExtension } from './ipi';
import { legacyExtension } from './legacy';
import { rfenceExtension } from './rfence';
import { srstExtension } from './srst';
import { timeExtension } from './time';
import { SBI_ERR_NOT_SUPPORTED, ret, type SbiCall, type SbiExtension, type SbiHost, type SbiOutcome } from './types';

export const SBI_EXTENSIONS: readonly SbiExtension[] = [
  baseExtension, timeExtension, ipiExtension, rfenceExtension, hsmExtension, srstExtension, dbcnExtension, legacyExtension,
];

export class SbiDispatcher {
  private readonly byEid = new Map<number, SbiExtension>();

  constructor(extensions: readonly SbiExtension[] = SBI_EXTENSIONS) {
    for (const e of extensions) for (const id of e.eids) this.byEid.set(id, e);
  }

  /** probe_extension: 1 when served, else 0. */
  probe(eid: number): number {
    return this.byEid.has(eid) ? 1 : 0;
  }

  /** "EXT.function" for the exit log. */
  describe(call: SbiCall): string {
    const e = this.byEid.get(call.ext);
    if (!e) return `0x${call.ext.toString(16)}.${call.fid}`;
    return `${e.name}.${e.fnName(call.fid, call.ext)}`;
  }

  /** Runs the call; does not touch registers (see `apply`). */
  call(host: SbiHost, vcpu: Vcpu, call: SbiCall): SbiOutcome {
    const e = this.byEid.get(call.ext);
    if (!e) return ret(SBI_ERR_NOT_SUPPORTED);
    return e.handle(host, vcpu, call);
  }
}

/**
 * Writes an outcome's return values into the vCPU's registers and moves sepc past the ECALL
 * (4 bytes: ECALL has no compressed form). Returns false when nothing was written (inject, halt,
 * stopped: the caller decides).
 */
export function applySbiReturn(vcpu: Vcpu, o: SbiOutcome): boolean {
  if (o.kind === 'ret') {
    vcpu.setX(10, o.error, o.error < 0 ? -1 : 0);
    vcpu.setX(11, o.valueLo, o.valueHi);
  } else if (o.kind === 'legacy') {
    vcpu.setX(10, o.lo, o.hi);
  } else {
    return false;
  }
  vcpu.advanceSepc(4);
  return true;
}
