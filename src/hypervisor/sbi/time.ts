// SBI Timer extension (EID "TIME", ext-time.adoc): set_timer programs the next timer event and
// clears the pending timer interrupt.
import { EID, SBI_ERR_NOT_SUPPORTED, argHi, argLo, ret, type SbiExtension } from './types';

export const timeExtension: SbiExtension = {
  name: 'TIME',
  eids: [EID.TIME],
  fnName: (fid) => (fid === 0 ? 'set_timer' : `fid${fid}`),
  handle(host, vcpu, c) {
    if (c.fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
    host.setTimer(vcpu, argLo(c, 0), argHi(c, 0));
    return ret(0);
  },
};
