// Child process: the platform's gateway core (createGateway + nodeHandler) on loopback, its SDK
// client calling the backend given as the argument. Prints {"port":N} once listening.
//   platform-gateway.ts <backendPort>
import http from 'node:http';
import { createGateway, nodeHandler } from '../../packages/bricks/src/gateway/index.ts';
import { LibraryService } from '../../packages/bricks/src/gateway/gen/bricks/gateway/test/v1/library_pb.ts';

const backend = `http://127.0.0.1:${process.argv[2] ?? ''}`;
const gateway = createGateway({ services: [LibraryService], clientOptions: () => ({ url: backend, inProcess: false, env: {} }) });
const server = http.createServer(nodeHandler(gateway));
server.keepAliveTimeout = 60_000; // as the replica: wrk's connections live through a run
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
