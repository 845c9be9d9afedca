// Instruction semantics keyed by the table's mnemonic (isa/encodings.ts): the interpreter looks
// each decoded entry up here once, when it caches the decoded op.
import type { InsnSpec } from '../../isa/types';
import { ENCODINGS } from '../../isa/encodings';
import type { ExecFn } from '../op';
import { base } from './base';
import { muldiv } from './muldiv';
import { atomic } from './atomic';
import { system, illegalOp } from './system';
import { float } from './float';

export { illegalOp };

const SEMANTICS: Record<string, ExecFn> = { ...base, ...muldiv, ...atomic, ...system, ...float };

/** Entries of the table that have no semantics yet execute as illegal instructions. */
const byId: ExecFn[] = ENCODINGS.map((e) => SEMANTICS[e.name] ?? illegalOp);

export function semanticsFor(spec: InsnSpec): ExecFn {
  return byId[spec.id];
}

/** Mnemonics of the table that have no semantics (the extensions still to come). */
export function unimplemented(): string[] {
  return ENCODINGS.filter((e) => SEMANTICS[e.name] === undefined).map((e) => e.name);
}

/** Semantics that name no table entry: a typo that would silently never run. */
export function orphans(): string[] {
  const names = new Set(ENCODINGS.map((e) => e.name));
  return Object.keys(SEMANTICS).filter((n) => !names.has(n));
}
