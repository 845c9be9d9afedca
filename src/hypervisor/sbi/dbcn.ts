// SBI Debug Console extension (EID "DBCN", ext-debug-console.adoc). Buffers are given by guest
// physical address (base_addr_lo, base_addr_hi); on RV64 the address is base_addr_lo and
// base_addr_hi must be 0.
import { EID, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, argHi, argLo, argU, ret, type SbiCall, type SbiExtension, type SbiHost } from './types';

const NAMES = ['console_write', 'console_read', 'console_write_byte'];

/** Largest buffer handled in one call; a longer write returns the count written (the guest loops). */
export const DBCN_MAX_CHUNK = 4096;

function buffer(host: SbiHost, c: SbiCall): { gpa: number; len: number } | undefined {
  if (argLo(c, 2) !== 0 || argHi(c, 2) !== 0) return undefined;
  const len = Math.min(argU(c, 0), DBCN_MAX_CHUNK);
  const gpa = argU(c, 1);
  if (len > 0 && !host.guestMem.contains(gpa, len)) return undefined;
  return { gpa, len };
}

export const dbcnExtension: SbiExtension = {
  name: 'DBCN',
  eids: [EID.DBCN],
  fnName: (fid) => NAMES[fid] ?? `fid${fid}`,
  handle(host, _vcpu, c) {
    switch (c.fid) {
      case 0: {
        const b = buffer(host, c);
        if (!b) return ret(SBI_ERR_INVALID_PARAM);
        const bytes = new Uint8Array(b.len);
        host.guestMem.readPhys(b.gpa, bytes);
        for (const x of bytes) host.console.write(x);
        return ret(0, b.len);
      }
      case 1: {
        const b = buffer(host, c);
        if (!b) return ret(SBI_ERR_INVALID_PARAM);
        const got: number[] = [];
        while (got.length < b.len) {
          const x = host.readConsoleByte();
          if (x < 0) break;
          got.push(x);
        }
        if (got.length > 0) host.guestMem.writePhys(b.gpa, Uint8Array.from(got));
        return ret(0, got.length);
      }
      case 2:
        host.console.write(argLo(c, 0) & 0xff);
        return ret(0);
      default: return ret(SBI_ERR_NOT_SUPPORTED);
    }
  },
};
