// Puts a Gateway on a node:http server: reads the body, hands the request over, writes the answer.
// A first version of the gateway program's listener; edge policies (auth, CORS, limits) go around it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from './gateway.ts';

export interface NodeHandlerOptions {
  /**
   * The request metadata the RPC call carries, chosen from the HTTP request. Default: none, so
   * nothing a client sends reaches a service unless the edge lets it through.
   */
  readonly metadataOf?: (req: IncomingMessage) => Readonly<Record<string, string>> | undefined;
}

export function nodeHandler(gateway: Gateway, opts: NodeHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const body = await readBody(req);
      // Cancels the call when the client goes away before its answer.
      const aborted = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) aborted.abort();
      });
      const answer = await gateway.handle({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        contentType: req.headers['content-type'] ?? null,
        body,
        signal: aborted.signal,
        ...withMetadata(opts.metadataOf?.(req)),
      });
      // A length, not chunked encoding: every answer is whole by now, and a small GET's response
      // then goes out in one write.
      const out = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': out.byteLength, ...answer.headers });
      res.end(out);
    })().catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  };
}

const EMPTY = new Uint8Array(0);

/** The whole body; a request that declares none (most GETs) is not read at all. */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function withMetadata(metadata: Readonly<Record<string, string>> | undefined): { metadata?: Readonly<Record<string, string>> } {
  return metadata === undefined ? {} : { metadata };
}
