import assert from 'node:assert/strict';
import { Uart16550 } from '../../../src/devices/uart16550';
import { FakeIrq, FakeSink } from './fakes';

const THR = 0, RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function make(): { u: Uart16550; sink: FakeSink; irq: FakeIrq } {
  const sink = new FakeSink(), irq = new FakeIrq();
  return { u: new Uart16550(sink, irq), sink, irq };
}

describe('devices/uart16550', () => {
  it('transmits bytes at once; LSR says THR empty and transmitter empty', () => {
    const { u, sink, irq } = make();
    assert.equal(u.read(LSR, 1), 0x60);
    for (const c of 'ok\n') u.write(THR, 1, c.charCodeAt(0));
    assert.equal(sink.text(), 'ok\n');
    assert.equal(u.read(IIR, 1), 0x01, 'no interrupt pending');
    assert.equal(irq.level, false);
  });

  it('divisor latch is behind LCR.DLAB', () => {
    const { u, sink } = make();
    u.write(LCR, 1, 0x83);
    u.write(0, 1, 0x01);
    u.write(1, 1, 0x02);
    assert.equal(u.read(0, 1), 0x01);
    assert.equal(u.read(1, 1), 0x02);
    u.write(LCR, 1, 0x03);
    assert.equal(u.read(IER, 1), 0, 'IER untouched by DLM write');
    assert.deepEqual(sink.bytes, [], 'DLL write did not transmit');
    u.write(SCR, 1, 0x5a);
    assert.equal(u.read(SCR, 1), 0x5a);
  });

  it('receives through a 16-byte FIFO with the backlog behind it', () => {
    const { u } = make();
    u.write(FCR, 1, 0x07);
    u.pushInput(Array.from({ length: 20 }, (_, i) => 0x41 + i));
    assert.equal(u.pendingInput, 20);
    assert.equal(u.read(LSR, 1) & 1, 1, 'DR');
    const got: number[] = [];
    while (u.read(LSR, 1) & 1) got.push(u.read(RBR, 1));
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => 0x41 + i));
    assert.equal(u.read(LSR, 1), 0x60);
    assert.equal(u.read(RBR, 1), 0, 'empty RBR reads 0');
  });

  it('FCR clears the receive FIFO', () => {
    const { u } = make();
    u.write(FCR, 1, 0x01);
    u.pushInput([1, 2, 3]);
    u.write(FCR, 1, 0x03);
    assert.equal(u.read(LSR, 1) & 1, 0);
  });

  it('peek never pops the FIFO or clears interrupts', () => {
    const { u, irq } = make();
    u.write(IER, 1, 0x02);
    assert.equal(u.peek(IIR, 1), 0x02);
    assert.equal(u.peek(IIR, 1), 0x02);
    assert.equal(irq.level, true);
    u.pushInput([0x33]);
    assert.equal(u.peek(RBR, 1), 0x33);
    assert.equal(u.peek(LSR, 1) & 1, 1);
    assert.equal(u.read(RBR, 1), 0x33);
  });

  it('THRE interrupt: raised by enabling ETBEI, cleared by reading IIR, re-raised by THR writes', () => {
    const { u, irq } = make();
    u.write(IER, 1, 0x02);
    assert.equal(irq.level, true);
    assert.equal(u.read(IIR, 1), 0x02);
    assert.equal(irq.level, false, 'reading IIR acknowledged THRE');
    assert.equal(u.read(IIR, 1), 0x01);
    u.write(THR, 1, 0x41);
    assert.equal(irq.level, true, 'THR empty again after the write');
    u.write(IER, 1, 0x00);
    assert.equal(irq.level, false, 'clearing ETBEI drops it');
    // Linux 8250 startup's UART_BUG_THRE probe: enable, read IIR, disable, enable, read IIR.
    u.write(IER, 1, 0x02);
    const iir1 = u.read(IIR, 1);
    u.write(IER, 1, 0);
    u.write(IER, 1, 0x02);
    const iir2 = u.read(IIR, 1);
    assert.equal(iir1 & 1, 0);
    assert.equal(iir2 & 1, 0);
  });

  it('IIR priorities: line status > received data > THRE > modem status', () => {
    const { u, irq } = make();
    u.write(FCR, 1, 0xc1); // FIFO on, trigger 14
    u.write(MCR, 1, 0x10); // loopback: MSR follows MCR
    u.write(MCR, 1, 0x13); // DTR|RTS → DSR|CTS deltas
    u.write(IER, 1, 0x0f);
    // Overrun: loopback more than 16 bytes.
    for (let i = 0; i < 17; i++) u.write(THR, 1, i);
    assert.equal(u.read(IIR, 1), 0xc6, 'line status first (with FIFO bits)');
    assert.equal(u.read(LSR, 1) & 0x03, 0x03, 'OE and DR');
    assert.equal(u.read(LSR, 1) & 0x02, 0, 'OE clears on read');
    assert.equal(u.read(IIR, 1), 0xc4, 'received data at/above trigger level');
    for (let i = 0; i < 16; i++) assert.equal(u.read(RBR, 1), i);
    assert.equal(u.read(IIR, 1), 0xc2, 'then THRE');
    assert.equal(u.read(IIR, 1), 0xc0, 'then modem status');
    assert.equal(u.read(MSR, 1) & 0xf3, 0x33, 'CTS|DSR with their deltas');
    assert.equal(u.read(IIR, 1), 0xc1);
    assert.equal(irq.level, false);
  });

  it('data below the trigger level reports the character timeout', () => {
    const { u, irq } = make();
    u.write(FCR, 1, 0x81); // trigger 8
    u.write(IER, 1, 0x01);
    u.pushInput([0x61]);
    assert.equal(irq.level, true);
    assert.equal(u.read(IIR, 1), 0xcc);
    u.pushInput([1, 2, 3, 4, 5, 6, 7]);
    assert.equal(u.read(IIR, 1), 0xc4);
    while (u.read(LSR, 1) & 1) u.read(RBR, 1);
    assert.equal(irq.level, false);
  });

  it('without FIFOs holds one byte at a time', () => {
    const { u } = make();
    u.pushInput([1, 2]);
    u.write(IER, 1, 0x01);
    assert.equal(u.read(IIR, 1), 0x04);
    assert.equal(u.read(RBR, 1), 1);
    assert.equal(u.read(RBR, 1), 2);
    assert.equal(u.read(LSR, 1) & 1, 0);
  });

  it('reports a host break as a line-status interrupt', () => {
    const { u, irq } = make();
    u.write(IER, 1, 0x04);
    u.sendBreak();
    assert.equal(irq.level, true);
    assert.equal(u.read(LSR, 1) & 0x10, 0x10);
    assert.equal(irq.level, false);
    assert.equal(u.read(MSR, 1), 0xb0, 'idle modem lines outside loopback');
  });
});
