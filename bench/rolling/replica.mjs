// The replica both engines roll in the rolling-update benchmark: plain Node HTTP, says which
// replica and version answered, readiness on /readyz, drains on SIGTERM. It binds $HOST
// (0.0.0.0 in a Swarm task, loopback locally).
import { createServer } from 'node:http';
import { hostname } from 'node:os';

let ready = true;
const replica = process.env.BRICKS_REPLICA ?? hostname();
const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  if (req.url === '/readyz') {
    res.statusCode = ready ? 200 : 503;
    return void res.end(String(ready));
  }
  if (!ready) res.setHeader('connection', 'close');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ replica, version: process.env.VERSION ?? '' }));
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  ready = false;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
