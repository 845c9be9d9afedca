// SiFive test device ("finisher") of QEMU `virt`: a 32-bit register at offset 0 whose low 16 bits
// are a command. FAIL carries an exit code in bits 31:16. Reads return 0. Other values are ignored.
import type { Device, PowerRequest } from './device';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export class SifiveTest implements Device {
  readonly name = 'sifive-test';

  constructor(private readonly onRequest: (req: PowerRequest) => void) {}

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  peek(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset !== 0 || size === 1) return;
    switch (value & 0xffff) {
      case FINISHER_PASS: this.onRequest({ kind: 'poweroff', code: 0 }); return;
      case FINISHER_FAIL: this.onRequest({ kind: 'poweroff', code: size === 4 ? value >>> 16 : 0 }); return;
      case FINISHER_RESET: this.onRequest({ kind: 'reboot' }); return;
      default: return;
    }
  }
}
