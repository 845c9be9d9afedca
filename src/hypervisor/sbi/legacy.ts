// SBI legacy extensions (EIDs 0x00..0x08, ext-legacy.adoc): FID ignored, only a0 returned. The
// hart masks of send_ipi and the remote fences are pointers to guest *virtual* memory; a fault
// reading them is redirected to the guest with sepc at the ECALL.
import {
  EID, SBI_ERR_NOT_SUPPORTED, argHi, argLo, legacy, type SbiCall, type SbiExtension, type SbiHost, type SbiOutcome,
} from './types';
import type { Vcpu } from '../vcpu';

const NAMES = ['set_timer', 'console_putchar', 'console_getchar', 'clear_ipi', 'send_ipi', 'remote_fence_i',
  'remote_sfence_vma', 'remote_sfence_vma_asid', 'shutdown'];

/** Reads the legacy hart mask (unsigned longs covering every vCPU) and applies `fn`. */
function withMask(host: SbiHost, vcpu: Vcpu, c: SbiCall, fn: (v: Vcpu) => void): SbiOutcome {
  const words = Math.ceil(host.vcpus.length / 64);
  const bytes = host.readGuestVirtual(vcpu, argLo(c, 0), argHi(c, 0), 8 * words);
  if (typeof bytes === 'number') return { kind: 'inject', cause: bytes, tvalLo: argLo(c, 0), tvalHi: argHi(c, 0) };
  for (const v of host.vcpus) {
    if ((bytes[v.id >>> 3] >>> (v.id & 7)) & 1) fn(v);
  }
  return legacy(0);
}

export const legacyExtension: SbiExtension = {
  name: 'LEGACY',
  eids: [0, 1, 2, 3, 4, 5, 6, 7, 8],
  fnName: (_fid, ext) => NAMES[ext] ?? `legacy${ext}`,
  handle(host, vcpu, c) {
    switch (c.ext) {
      case EID.LEGACY_SET_TIMER:
        host.setTimer(vcpu, argLo(c, 0), argHi(c, 0));
        return legacy(0);
      case EID.LEGACY_CONSOLE_PUTCHAR:
        host.console.write(argLo(c, 0) & 0xff);
        return legacy(0);
      case EID.LEGACY_CONSOLE_GETCHAR:
        return legacy(host.readConsoleByte());
      case EID.LEGACY_CLEAR_IPI:
        return legacy(host.clearIpi(vcpu) ? 1 : 0);
      case EID.LEGACY_SEND_IPI:
        return withMask(host, vcpu, c, (v) => host.sendIpi(v));
      case EID.LEGACY_REMOTE_FENCE_I:
        return withMask(host, vcpu, c, (v) => host.fenceI(v));
      case EID.LEGACY_REMOTE_SFENCE_VMA: case EID.LEGACY_REMOTE_SFENCE_VMA_ASID:
        return withMask(host, vcpu, c, (v) => host.sfenceVma(v));
      case EID.LEGACY_SHUTDOWN:
        return { kind: 'halt', request: { kind: 'poweroff', code: 0 } };
      default:
        return legacy(SBI_ERR_NOT_SUPPORTED);
    }
  },
};
