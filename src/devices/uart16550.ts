// ns16550a UART as QEMU `virt` exposes it: 8-bit registers at consecutive offsets (reg-shift 0),
// a 16-byte receive FIFO, instantaneous transmission (no baud-rate timing).
//
// Register and bit names follow the National/TI PC16550D data sheet. What this model chooses:
// - Host input is queued without limit behind the 16-byte FIFO and fed in as the guest reads, so
//   pasted text is never lost to overrun (the recorded input events replay identically).
// - Without timing there is no "4 character times" timeout: whenever the FIFO holds data below the
//   trigger level, IIR reports the character-timeout interrupt (0xC) at once, at or above it the
//   received-data interrupt (0x4). Drivers treat both alike and drain while LSR.DR.
// - The THRE interrupt (IIR 0x2) is raised when IER.ETBEI goes 0→1 with THR empty and after every
//   THR write (the byte leaves at once); it is cleared by reading IIR while it is the reported
//   source, by writing THR, or by clearing ETBEI.
// - MCR.OUT2 does not gate the interrupt (as QEMU). Loopback (MCR.LOOP) is modelled.
import type { ByteSink, Device, IrqLine } from './device';

// Offsets (reg-shift 0).
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

// IER bits.
const IER_ERBFI = 0x01; // received data available
const IER_ETBEI = 0x02; // transmitter holding register empty
const IER_ELSI = 0x04; // receiver line status
const IER_EDSSI = 0x08; // modem status

// IIR values (bit 0 set = no interrupt pending), bits 7:6 = FIFOs enabled.
const IIR_NO_INT = 0x01;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FIFO_ENABLED = 0xc0;

// FCR bits.
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RCVR = 0x02;
const FCR_TRIGGER_SHIFT = 6;
const RX_TRIGGER = [1, 4, 8, 14];

// LCR bits.
const LCR_DLAB = 0x80;

// MCR bits.
const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

// LSR bits.
const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_BI = 0x10;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const LSR_ERROR_BITS = 0x1e; // OE | PE | FE | BI

// MSR bits.
const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04;
const MSR_DDCD = 0x08;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** Outside loopback the (absent) modem reports CTS, DSR and DCD asserted, so flow control never stalls. */
const MSR_IDLE = MSR_CTS | MSR_DSR | MSR_DCD;

const FIFO_SIZE = 16;

export class Uart16550 implements Device {
  readonly name: string;

  // Receive FIFO (a ring; also the 1-byte holding register when FIFOs are disabled).
  private readonly rx = new Uint8Array(FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  // Host input waiting for FIFO space.
  private readonly backlog: number[] = [];
  private backlogHead = 0;

  private ier = 0;
  private fcr = 0;
  private lcr = 0;
  private mcr = 0;
  /** LSR error bits (OE/PE/FE/BI); DR/THRE/TEMT are derived. */
  private lsrErrors = 0;
  private msr = MSR_IDLE;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  /** THRE interrupt pending (see header). */
  private thrIpending = false;
  private irqLevel = false;

  constructor(private readonly sink: ByteSink, private readonly irq: IrqLine, name = 'uart0') {
    this.name = name;
    this.reset();
  }

  reset(): void {
    this.rxHead = 0;
    this.rxCount = 0;
    this.ier = 0;
    this.fcr = 0;
    this.lcr = 0;
    this.mcr = 0;
    this.lsrErrors = 0;
    this.msr = MSR_IDLE;
    this.scr = 0;
    this.dll = 0;
    this.dlm = 0;
    this.thrIpending = false;
    this.irqLevel = false;
    this.irq.set(false);
    this.refill();
  }

  /** Host input (console keystrokes). Queued behind the FIFO; never dropped. */
  pushInput(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.backlog.push(bytes[i] & 0xff);
    this.refill();
    this.updateIrq();
  }

  /** Bytes of host input not yet read by the guest (FIFO + backlog). */
  get pendingInput(): number {
    return this.rxCount + this.backlog.length - this.backlogHead;
  }

  /** Line break from the host (sets LSR.BI, a line-status interrupt). */
  sendBreak(): void {
    this.lsrErrors |= LSR_BI;
    this.updateIrq();
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case RBR_THR_DLL: {
        if (this.lcr & LCR_DLAB) return this.dll;
        if (this.rxCount === 0) return 0;
        const b = this.rx[this.rxHead];
        this.rxHead = (this.rxHead + 1) & (FIFO_SIZE - 1);
        this.rxCount--;
        if (!(this.mcr & MCR_LOOP)) this.refill();
        this.updateIrq();
        return b;
      }
      case IIR_FCR: {
        const iir = this.iir();
        // Reading IIR acknowledges the THRE interrupt when it is the one reported (PC16550D table 4).
        if ((iir & 0x0f) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return iir;
      }
      case LSR: {
        const v = this.lsr();
        if (this.lsrErrors) {
          this.lsrErrors = 0; // error bits clear on read
          this.updateIrq();
        }
        return v;
      }
      case MSR: {
        const v = this.msr;
        if (v & 0x0f) {
          this.msr &= 0xf0; // delta bits clear on read
          this.updateIrq();
        }
        return v;
      }
      default:
        return this.peek(offset, 1);
    }
  }

  peek(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case RBR_THR_DLL: return this.lcr & LCR_DLAB ? this.dll : this.rxCount ? this.rx[this.rxHead] : 0;
      case IER_DLM: return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case IIR_FCR: return this.iir();
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR: return this.lsr();
      case MSR: return this.msr;
      case SCR: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    value &= 0xff;
    switch (offset) {
      case RBR_THR_DLL:
        if (this.lcr & LCR_DLAB) { this.dll = value; return; }
        if (this.mcr & MCR_LOOP) this.receive(value);
        else this.sink.write(value);
        // The byte leaves at once: THR is empty again, which raises THRE if enabled.
        this.thrIpending = (this.ier & IER_ETBEI) !== 0;
        this.updateIrq();
        return;
      case IER_DLM: {
        if (this.lcr & LCR_DLAB) { this.dlm = value; return; }
        const old = this.ier;
        this.ier = value & 0x0f;
        if (!(this.ier & IER_ETBEI)) this.thrIpending = false;
        else if (!(old & IER_ETBEI)) this.thrIpending = true; // THR is always empty
        this.updateIrq();
        return;
      }
      case IIR_FCR: {
        const wasEnabled = this.fcr & FCR_ENABLE;
        // Changing the FIFO-enable bit clears both FIFOs (PC16550D FCR bit 0).
        if ((value & FCR_CLEAR_RCVR) || (value & FCR_ENABLE) !== wasEnabled) {
          this.rxHead = 0;
          this.rxCount = 0;
        }
        // Bits 1 and 2 self-clear; TX FIFO clear is a no-op (transmission is instantaneous).
        this.fcr = value & (FCR_ENABLE | 0xc0);
        if (!(this.mcr & MCR_LOOP)) this.refill();
        this.updateIrq();
        return;
      }
      case LCR: this.lcr = value; return;
      case MCR: {
        this.mcr = value & 0x1f;
        this.updateModemStatus();
        if (!(this.mcr & MCR_LOOP)) this.refill();
        this.updateIrq();
        return;
      }
      case SCR: this.scr = value; return;
      default: return; // LSR and MSR writes are ignored (factory test only)
    }
  }

  private fifoCapacity(): number {
    return this.fcr & FCR_ENABLE ? FIFO_SIZE : 1;
  }

  /** A byte arriving at the receiver (loopback): overrun when the FIFO is full. */
  private receive(b: number): void {
    if (this.rxCount >= this.fifoCapacity()) {
      this.lsrErrors |= LSR_OE;
      return;
    }
    this.rx[(this.rxHead + this.rxCount) & (FIFO_SIZE - 1)] = b;
    this.rxCount++;
  }

  /** Moves host input from the backlog into free FIFO space (not in loopback: the line is disconnected). */
  private refill(): void {
    if (this.mcr & MCR_LOOP) return;
    const cap = this.fifoCapacity();
    const q = this.backlog;
    while (this.rxCount < cap && this.backlogHead < q.length) {
      this.rx[(this.rxHead + this.rxCount) & (FIFO_SIZE - 1)] = q[this.backlogHead++];
      this.rxCount++;
    }
    if (this.backlogHead === q.length && q.length > 0) {
      q.length = 0; // drained: reuse the array
      this.backlogHead = 0;
    }
  }

  private lsr(): number {
    let v = this.lsrErrors | LSR_THRE | LSR_TEMT;
    if (this.rxCount) v |= LSR_DR;
    return v;
  }

  /** Loopback: MSR inputs follow MCR outputs (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2), with deltas. */
  private updateModemStatus(): void {
    let next = MSR_IDLE;
    if (this.mcr & MCR_LOOP) {
      next = 0;
      if (this.mcr & MCR_RTS) next |= MSR_CTS;
      if (this.mcr & MCR_DTR) next |= MSR_DSR;
      if (this.mcr & MCR_OUT1) next |= MSR_RI;
      if (this.mcr & MCR_OUT2) next |= MSR_DCD;
    }
    const prev = this.msr & 0xf0;
    const changed = prev ^ next;
    let delta = this.msr & 0x0f;
    if (changed & MSR_CTS) delta |= MSR_DCTS;
    if (changed & MSR_DSR) delta |= MSR_DDSR;
    if (changed & MSR_DCD) delta |= MSR_DDCD;
    if ((prev & MSR_RI) && !(next & MSR_RI)) delta |= MSR_TERI; // trailing edge only
    this.msr = next | delta;
  }

  /** IIR by priority (PC16550D table 4): line status > received data / timeout > THRE > modem status. */
  private iir(): number {
    const fifo = this.fcr & FCR_ENABLE ? IIR_FIFO_ENABLED : 0;
    const ier = this.ier;
    if ((ier & IER_ELSI) && (this.lsrErrors & LSR_ERROR_BITS)) return fifo | IIR_RLSI;
    if ((ier & IER_ERBFI) && this.rxCount) {
      if (!fifo) return IIR_RDI;
      return fifo | (this.rxCount >= RX_TRIGGER[this.fcr >>> FCR_TRIGGER_SHIFT] ? IIR_RDI : IIR_CTI);
    }
    if (this.thrIpending) return fifo | IIR_THRI;
    if ((ier & IER_EDSSI) && (this.msr & 0x0f)) return fifo | IIR_MSI;
    return fifo | IIR_NO_INT;
  }

  private updateIrq(): void {
    const level = (this.iir() & IIR_NO_INT) === 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
