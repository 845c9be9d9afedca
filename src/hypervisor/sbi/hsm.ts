// SBI Hart State Management extension (EID "HSM", ext-hsm.adoc). vCPUs move between STARTED,
// STOPPED and SUSPENDED at once (the pending states are never observable: the VM is single-threaded).
import { HSM_STARTED, HSM_STOPPED, HSM_SUSPENDED } from '../vcpu';
import {
  EID, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED,
  argHi, argLo, argU, ret, type SbiExtension,
} from './types';

const NAMES = ['hart_start', 'hart_stop', 'hart_get_status', 'hart_suspend'];
/** suspend_type values ("HSM Hart Suspend Types"). */
export const SUSPEND_DEFAULT_RETENTIVE = 0x00000000;
export const SUSPEND_DEFAULT_NON_RETENTIVE = 0x80000000;

export const hsmExtension: SbiExtension = {
  name: 'HSM',
  eids: [EID.HSM],
  fnName: (fid) => NAMES[fid] ?? `fid${fid}`,
  handle(host, vcpu, c) {
    switch (c.fid) {
      case 0: {
        const id = argU(c, 0);
        if (id >= host.vcpus.length) return ret(SBI_ERR_INVALID_PARAM);
        const target = host.vcpus[id];
        if (target.state !== 'stopped') return ret(SBI_ERR_ALREADY_AVAILABLE);
        const start = argU(c, 1);
        if (!host.isExecutable(start)) return ret(SBI_ERR_INVALID_ADDRESS);
        host.startVcpu(target, start, argLo(c, 2), argHi(c, 2));
        return ret(0);
      }
      case 1:
        vcpu.state = 'stopped';
        return { kind: 'stopped' };
      case 2: {
        const id = argU(c, 0);
        if (id >= host.vcpus.length) return ret(SBI_ERR_INVALID_PARAM);
        const s = host.vcpus[id].state;
        return ret(0, s === 'stopped' ? HSM_STOPPED : s === 'suspended' ? HSM_SUSPENDED : HSM_STARTED);
      }
      case 3: {
        const type = argLo(c, 0) >>> 0; // suspend_type is uint32_t
        if (type === SUSPEND_DEFAULT_RETENTIVE) {
          vcpu.state = 'suspended';
          vcpu.resumeEntry = undefined;
          return { kind: 'ret', error: 0, valueLo: 0, valueHi: 0, wait: true };
        }
        if (type === SUSPEND_DEFAULT_NON_RETENTIVE) {
          const resume = argU(c, 1);
          if (!host.isExecutable(resume)) return ret(SBI_ERR_INVALID_ADDRESS);
          vcpu.state = 'suspended';
          vcpu.resumeEntry = { pc: resume, a0: vcpu.id, a1Lo: argLo(c, 2), a1Hi: argHi(c, 2) };
          return { kind: 'stopped' };
        }
        // Reserved, or platform-specific and not implemented.
        return ret(SBI_ERR_INVALID_PARAM);
      }
      default: return ret(SBI_ERR_NOT_SUPPORTED);
    }
  },
};
