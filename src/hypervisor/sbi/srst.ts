// SBI System Reset extension (EID "SRST", ext-sys-reset.adoc).
import { EID, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, argLo, ret, type SbiExtension } from './types';

export const RESET_TYPE_SHUTDOWN = 0;
export const RESET_TYPE_COLD_REBOOT = 1;
export const RESET_TYPE_WARM_REBOOT = 2;
export const RESET_REASON_NONE = 0;
export const RESET_REASON_SYSTEM_FAILURE = 1;

export const srstExtension: SbiExtension = {
  name: 'SRST',
  eids: [EID.SRST],
  fnName: (fid) => (fid === 0 ? 'system_reset' : `fid${fid}`),
  handle(_host, _vcpu, c) {
    if (c.fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
    const type = argLo(c, 0) >>> 0, reason = argLo(c, 1) >>> 0; // both uint32_t
    // Reserved or vendor-specific (unimplemented) types and reasons are invalid parameters.
    if (type > RESET_TYPE_WARM_REBOOT || reason > RESET_REASON_SYSTEM_FAILURE) return ret(SBI_ERR_INVALID_PARAM);
    if (type === RESET_TYPE_SHUTDOWN) return { kind: 'halt', request: { kind: 'poweroff', code: reason === RESET_REASON_SYSTEM_FAILURE ? 1 : 0 } };
    return { kind: 'halt', request: { kind: 'reboot' } };
  },
};
