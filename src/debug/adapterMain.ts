// The debug adapter's entry point (dist/adapter.js): DAP over stdio when VS Code starts it with
// node; `--server=PORT` serves each TCP connection with its own session (for debugging the adapter).
import * as net from 'node:net';
import { HvscopeSession } from './session/session';

const server = process.argv.slice(2).find((a) => a.startsWith('--server='));
if (server) {
  const port = Number(server.slice('--server='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`hvscope adapter: --server=PORT needs a port number, got '${server}'\n`);
    process.exit(1);
  }
  net.createServer((socket) => {
    const session = new HvscopeSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  }).listen(port, '127.0.0.1', () => process.stderr.write(`hvscope adapter listening on 127.0.0.1:${port}\n`));
} else {
  const session = new HvscopeSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}
