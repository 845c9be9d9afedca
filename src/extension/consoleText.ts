// Guest console text on its way to a terminal (plain data, no `vscode`). Guests write bare "\n"
// line ends (a UART passes bytes as they are); a terminal needs "\r\n" or lines creep rightwards.

/** Turns lone LF into CRLF across chunk boundaries (a CR at the end of one chunk pairs with an LF starting the next). */
export class LineEndTranslator {
  private lastWasCr = false;

  translate(chunk: string): string {
    let out = '';
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (ch === '\n' && !this.lastWasCr) out += '\r';
      out += ch;
      this.lastWasCr = ch === '\r';
    }
    return out;
  }
}

/** Keeps output that arrives before the terminal is open (a Pseudoterminal drops writes until then), up to a limit. */
export class PendingOutput {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly limit = 1 << 20) {}

  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }

  /** Everything kept, oldest first; empties the buffer. */
  take(): string {
    const s = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    return s;
  }
}
