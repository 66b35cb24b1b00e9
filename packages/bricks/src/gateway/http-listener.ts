// Puts a Gateway on a node:http server: reads the body, hands the request over, writes the answer.
// A first version of the gateway program's listener; edge policies (auth, CORS, limits) go around it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from './gateway.ts';

export function nodeHandler(gateway: Gateway): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      // Cancels the call when the client goes away before its answer.
      const aborted = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) aborted.abort();
      });
      const answer = await gateway.handle({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        contentType: req.headers['content-type'] ?? null,
        body: Buffer.concat(chunks),
        signal: aborted.signal,
      });
      res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
      res.end(answer.body);
    })().catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  };
}
