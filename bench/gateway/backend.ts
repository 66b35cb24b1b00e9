// Child process: the RPC service both gateways call, a real SDK serve() of the gateway's test
// contract. GetShelf answers one small Shelf; every other method is not served here.
// Prints {"port":N} once listening.
import { create } from '@bufbuild/protobuf';
import { implement, serve } from '@bricks/sdk';
import { LibraryService, ShelfSchema } from '../../packages/bricks/src/gateway/gen/bricks/gateway/test/v1/library_pb.ts';
import { SHELF_LABELS, SHELF_THEME } from './shelf.ts';

const impl = implement(LibraryService, {
  getShelf: (req) => create(ShelfSchema, { id: req.shelf, theme: SHELF_THEME, labels: SHELF_LABELS }),
});
const server = await serve({ services: [impl], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => {
  void server.shutdown().then(() => process.exit(0));
});
