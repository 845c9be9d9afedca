// SBI IPI extension (EID "sPI", ext-ipi.adoc): send_ipi(hart_mask, hart_mask_base) raises the
// supervisor software interrupt of each target (hvip.VSSIP of its vCPU).
import { EID, SBI_ERR_NOT_SUPPORTED, forEachInMask, ret, type SbiExtension } from './types';

export const ipiExtension: SbiExtension = {
  name: 'IPI',
  eids: [EID.IPI],
  fnName: (fid) => (fid === 0 ? 'send_ipi' : `fid${fid}`),
  handle(host, _vcpu, c) {
    if (c.fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
    return ret(forEachInMask(host, c, 0, (v) => host.sendIpi(v)));
  },
};
