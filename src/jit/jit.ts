// The translator as the machine sees it: one cache and one engine per machine, installed on its
// harts (Hart.engine). The debug adapter reads listings through `JitListingSource`.
import type { CodeCache } from '../riscv/hart/codeCache';
import type { Hart } from '../riscv/hart/hart';
import { JitCache } from './cache';
import { JitEngine } from './engine';
import type { JitBlockInfo, JitListingSource } from './listing';

export class Jit implements JitListingSource {
  readonly cache: JitCache;
  readonly engine: JitEngine;

  constructor(code: CodeCache, ramPages: number) {
    this.cache = new JitCache(code, ramPages);
    this.engine = new JitEngine(this.cache);
  }

  /** Makes `h` run translated code. */
  attach(h: Hart): void {
    h.engine = this.engine;
  }

  blocks(): readonly JitBlockInfo[] { return this.cache.blocks(); }
  block(id: number): JitBlockInfo | undefined { return this.cache.block(id); }
  blockContaining(pa: number): JitBlockInfo | undefined { return this.cache.blockContaining(pa); }
  stats(): Record<string, number> { return this.cache.stats(); }
}
