// The web service's program: listens on $PORT (bricks gives every replica its own; HOST is set
// where loopback is not enough, as on Swarm) and, on SIGTERM, exits once its requests are answered.
import { createServer } from 'node:http';
import { handle } from './app.ts';

const server = createServer(handle);
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
