// The page fence of a TLB set (`sfence.vma va`, tlb.ts): it drops the page's own entry and every
// entry cached from a superpage leaf containing the page, and nothing else — scanning only the
// leaves that contain the page.
import assert from 'node:assert/strict';
import { TlbSet, TLB_MASK } from '../../../../src/riscv/hart/tlb';

/** Caches page key `key` as a load entry, from a leaf spanning 2^span pages (0 = a 4 KiB page). */
function fill(set: TlbSet, key: number, span: number): number {
  const idx = key & TLB_MASK;
  set.rTag[idx] = key; set.rSpan[idx] = span;
  if (span !== 0) set.noteSpan(idx, key, span);
  return idx;
}

const cached = (set: TlbSet, key: number): boolean => set.rTag[key & TLB_MASK] === key;

describe('riscv/hart/tlb: page fences', () => {
  const MEGA = 0x80200; // page key of 0x8020_0000, the first page of a 2 MiB superpage (span 9)

  it('drops every piece of a superpage leaf that contains the fenced page, and only those', () => {
    const set = new TlbSet();
    const a = MEGA + 3, b = MEGA + 100, small = 0x90001, otherLeaf = MEGA + 512 + 7;
    fill(set, a, 9); fill(set, b, 9); fill(set, small, 0); fill(set, otherLeaf, 9);
    set.flushPage(MEGA + 50); // in the leaf, not cached itself
    assert.equal(cached(set, a), false);
    assert.equal(cached(set, b), false);
    assert.equal(cached(set, small), true, 'a 4 KiB page elsewhere stays');
    assert.equal(cached(set, otherLeaf), true, 'the next 2 MiB leaf stays');
  });

  it('a fence outside every leaf drops only the page itself', () => {
    const set = new TlbSet();
    const a = MEGA + 3, small = 0x90001;
    fill(set, a, 9); fill(set, small, 0);
    set.flushPage(0x12345);
    assert.equal(cached(set, a), true);
    set.flushPage(small);
    assert.equal(cached(set, small), false);
    assert.equal(cached(set, a), true);
  });

  it('an entry reused for another page since is not dropped for the old leaf', () => {
    const set = new TlbSet();
    const a = MEGA + 3;
    const idx = fill(set, a, 9);
    const reuse = a + 4 * (TLB_MASK + 1) + 0x100000; // same index, far away, 4 KiB
    assert.equal(reuse & TLB_MASK, idx);
    fill(set, reuse, 0);
    set.flushPage(MEGA + 1);
    assert.equal(cached(set, reuse), true);
  });

  it('keeps working past the number of remembered leaves (stale leaves are rebuilt away)', () => {
    const set = new TlbSet();
    for (let i = 0; i < 1000; i++) fill(set, MEGA + i * 512 + (i & 7), 9);
    const last = MEGA + 999 * 512 + (999 & 7);
    assert.equal(cached(set, last), true);
    set.flushPage(MEGA + 999 * 512 + 200);
    assert.equal(cached(set, last), false);
    set.flush();
    fill(set, MEGA + 1, 9);
    set.flushPage(MEGA + 2);
    assert.equal(cached(set, MEGA + 1), false);
  });
});
