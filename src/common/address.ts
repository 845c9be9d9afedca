// Address spaces as types (STYLE.md, after salus): a guest virtual, guest physical and host
// physical address cannot be mixed up by accident. Physical addresses fit in a double (< 2^56
// in practice < 2^53 here); guest virtual addresses are 64-bit and travel as (lo, hi) halves
// on hot paths, or as bigint at the debugger's slow paths.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Guest physical address (what the guest kernel sees as physical). */
export type Gpa = Brand<number, 'Gpa'>;
/** Host physical address (the emulated machine's bus address). */
export type Hpa = Brand<number, 'Hpa'>;
/** Guest virtual address, full 64 bits (debugger paths). */
export type Gva = Brand<bigint, 'Gva'>;

export const gpa = (n: number): Gpa => n as Gpa;
export const hpa = (n: number): Hpa => n as Hpa;
export const gva = (n: bigint): Gva => BigInt.asUintN(64, n) as Gva;
