// Child process: one upstream replica for the proxy benchmark, a minimal node:http server that
// answers every request with the same ~100-byte body. Prints {"port":N} once listening.
import http from 'node:http';

const id = process.argv[2] ?? 'r';
// 100 bytes: the "small GET response" the proxy target is stated for.
const body = Buffer.from(`{"replica":"${id}","game":"asteroids","score":123456,"ok":true,"pad":"${'x'.repeat(100)}`.slice(0, 98) + '"}');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000; // longer than any run, so neither proxy loses pooled connections mid-run
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
