// Child process: what arcade's hand-written gateway did for one GET, on the benchmark's contract:
// its router, its body reading and error mapping (examples/arcade/services/gateway/http-server.ts
// without the span, metrics and drain, which the platform side does not do either here), a zod
// check of the input and a hand-written view of the answer. Prints {"port":N} once listening.
//   main.ts <backendPort>
import http from 'node:http';
import { BricksError, client } from '@bricks/sdk';
import { z } from 'zod';
import { LibraryService } from '../../../packages/bricks/src/gateway/gen/bricks/gateway/test/v1/library_pb.ts';
import { Router } from './router.ts';

const library = client(LibraryService, { url: `http://127.0.0.1:${process.argv[2] ?? ''}`, inProcess: false, env: {} });
const shelfId = z.coerce.number().int().min(0);

// arcade's six routes, matched first as they were (a linear scan pays for each), then the measured one.
const unused = (): Promise<never> => Promise.reject(new BricksError('unimplemented', 'not part of the benchmark'));
const router = new Router()
  .add('GET', '/api/games', unused)
  .add('GET', '/api/games/:id', unused)
  .add('POST', '/api/games', unused)
  .add('POST', '/api/scores', unused)
  .add('POST', '/api/events', unused)
  .add('POST', '/api/thumbnails', unused)
  .add('GET', '/v1/shelves/:shelf', async (req) => {
    const parsed = shelfId.safeParse(req.params['shelf']);
    if (!parsed.success) throw new BricksError('invalid_argument', `shelf: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const shelf = await library.getShelf({ shelf: BigInt(parsed.data) }, { signal: req.signal });
    return { status: 200, body: { id: String(shelf.id), theme: shelf.theme, labels: shelf.labels } };
  });

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway');
  const match = router.match(req.method ?? 'GET', url.pathname);
  if (match.kind !== 'found') return sendJson(res, match.kind === 'not-found' ? 404 : 405, { error: { code: match.kind } });
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort(new BricksError('cancelled', 'the client closed the connection'));
  });
  try {
    const answer = await match.handler({ params: match.params, query: url.searchParams, body: Buffer.concat(chunks), signal: gone.signal });
    sendJson(res, answer.status, answer.body);
  } catch (err) {
    const e = BricksError.from(err);
    sendJson(res, e.code === 'invalid_argument' ? 400 : 500, { error: { code: e.code, message: e.rawMessage } });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => res.destroy());
});
server.keepAliveTimeout = 60_000; // as the replica: wrk's connections live through a run
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
