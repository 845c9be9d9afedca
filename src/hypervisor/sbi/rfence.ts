// SBI RFENCE extension (EID "RFNC", ext-rfence.adoc). The guest's remote fences are forwarded to
// the target vCPUs: FENCE.I, and SFENCE.VMA as HFENCE.VVMA (nested mode) or a shadow-table flush
// (shadow mode). Address ranges and ASIDs are not looked at: a whole flush is a correct superset.
// The HFENCE functions (3..6) concern a guest's own guests; the guest has no H extension, so they
// are not supported.
import { EID, SBI_ERR_NOT_SUPPORTED, forEachInMask, ret, type SbiExtension } from './types';

const NAMES = ['remote_fence_i', 'remote_sfence_vma', 'remote_sfence_vma_asid', 'remote_hfence_gvma_vmid',
  'remote_hfence_gvma', 'remote_hfence_vvma_asid', 'remote_hfence_vvma'];

export const rfenceExtension: SbiExtension = {
  name: 'RFENCE',
  eids: [EID.RFENCE],
  fnName: (fid) => NAMES[fid] ?? `fid${fid}`,
  handle(host, _vcpu, c) {
    switch (c.fid) {
      case 0: return ret(forEachInMask(host, c, 0, (v) => host.fenceI(v)));
      case 1: case 2: return ret(forEachInMask(host, c, 0, (v) => host.sfenceVma(v)));
      default: return ret(SBI_ERR_NOT_SUPPORTED);
    }
  },
};
