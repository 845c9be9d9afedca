// Every error says whose fault it is (STYLE.md, after codelldb): the user's configuration or input,
// the guest's behaviour, or ours. The debug adapter and the CLI decide wording and exit codes from it.

/** The user's configuration or input is wrong (missing file, bad option, corrupt ELF). */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** The guest did something that ends the run (halt in a trap loop, fatal fault). */
export class GuestError extends Error {
  override readonly name = 'GuestError';
}

/** An emulator bug: an invariant broke. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
