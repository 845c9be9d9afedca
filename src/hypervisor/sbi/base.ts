// SBI Base extension (EID 0x10, riscv-sbi-doc ext-base.adoc).
import { EID, SBI_ERR_NOT_SUPPORTED, SBI_IMPL_ID, SBI_IMPL_VERSION, SBI_SPEC_VERSION, argU, ret, type SbiExtension } from './types';

const NAMES = ['get_spec_version', 'get_impl_id', 'get_impl_version', 'probe_extension', 'get_mvendorid', 'get_marchid', 'get_mimpid'];

export const baseExtension: SbiExtension = {
  name: 'BASE',
  eids: [EID.BASE],
  fnName: (fid) => NAMES[fid] ?? `fid${fid}`,
  handle(host, _vcpu, c) {
    switch (c.fid) {
      case 0: return ret(0, SBI_SPEC_VERSION);
      case 1: return ret(0, SBI_IMPL_ID);
      case 2: return ret(0, SBI_IMPL_VERSION);
      case 3: {
        // An extension ID does not fit in 32 bits: not available.
        const id = argU(c, 0);
        return ret(0, id > 0xffffffff ? 0 : host.probe(id));
      }
      // The virtual hart reports no vendor, architecture or implementation ids (0 = not implemented).
      case 4: case 5: case 6: return ret(0, 0);
      default: return ret(SBI_ERR_NOT_SUPPORTED);
    }
  },
};
