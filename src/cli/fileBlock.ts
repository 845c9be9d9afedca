// A virtio-blk backend over a host file (synchronous I/O: the device completes requests at once).
import { openSync, fstatSync, readSync, writeSync, fsyncSync, closeSync, accessSync, constants } from 'node:fs';
import type { BlockBackend } from '../devices/device';
import { UserError } from '../common/errors';

export class FileBlock implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  private readonly fd: number;

  constructor(path: string, readOnly = false) {
    let ro = readOnly;
    try { if (!ro) accessSync(path, constants.W_OK); } catch { ro = true; }
    try { this.fd = openSync(path, ro ? 'r' : 'r+'); } catch (e) { throw new UserError(`--disk: cannot open ${path}: ${(e as Error).message}`); }
    const st = fstatSync(this.fd);
    if (!st.isFile()) throw new UserError(`--disk: not a regular file: ${path}`);
    this.size = st.size;
    this.readOnly = ro;
  }

  read(offset: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const n = readSync(this.fd, dst, done, dst.length - done, offset + done);
      if (n === 0) { dst.fill(0, done); return; }
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }

  flush(): void { fsyncSync(this.fd); }
  close(): void { closeSync(this.fd); }
}
