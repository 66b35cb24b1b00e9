// Child process: a plain node:http replica behind the bricks proxy, answering every GET with
// the same JSON the gateways produce from the RPC. Prints {"port":N} once listening.
import http from 'node:http';
import { SHELF_JSON } from './shelf.ts';

const body = Buffer.from(SHELF_JSON);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000; // longer than any run, so the proxy keeps its pooled connections
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
