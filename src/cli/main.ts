// The `hvscope` command line. Errors are reported by whose fault they are (STYLE.md): the user's
// (bad option or file: exit 1, one clear line), the guest's (reported by the run), or ours (a stack).
import { runCommand, RUN_USAGE } from './run';
import { UserError } from '../common/errors';

const USAGE = `usage: hvscope <command> [options]
commands:
  run      boot a machine headless with the guest console on stdio

${RUN_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run': return runCommand(rest);
    case undefined: case '-h': case '--help': case 'help':
      process.stdout.write(`${USAGE}\n`);
      return cmd === undefined ? 1 : 0;
    default: throw new UserError(`unknown command '${cmd}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof UserError) process.stderr.write(`hvscope: ${err.message}\n`);
    else process.stderr.write(`hvscope: internal error (please report): ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = err instanceof UserError ? 1 : 70;
  },
);
