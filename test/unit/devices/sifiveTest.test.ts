import assert from 'node:assert/strict';
import type { PowerRequest } from '../../../src/devices/device';
import { SifiveTest } from '../../../src/devices/sifiveTest';

describe('devices/sifiveTest', () => {
  it('reports pass, fail with code, and reset; ignores anything else', () => {
    const got: PowerRequest[] = [];
    const dev = new SifiveTest((r) => got.push(r));
    dev.write(0, 4, 0x5555);
    dev.write(0, 4, (42 << 16) | 0x3333);
    dev.write(0, 4, 0x7777);
    dev.write(0, 4, 0x1234);
    dev.write(4, 4, 0x5555);
    assert.deepEqual(got, [
      { kind: 'poweroff', code: 0 },
      { kind: 'poweroff', code: 42 },
      { kind: 'reboot' },
    ]);
    assert.equal(dev.read(0, 4), 0);
    assert.equal(dev.peek(0, 4), 0);
  });
});
