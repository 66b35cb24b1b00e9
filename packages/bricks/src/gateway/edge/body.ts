// A request body read up to a limit: a declared Content-Length above it is refused before a byte
// is read, and a body without one (chunked) is counted as it streams and refused at the first
// chunk past the limit; the rest is never read (the answer closes the connection).
import type { IncomingMessage } from 'node:http';

export type BodyRead = { readonly kind: 'read'; readonly body: Buffer } | { readonly kind: 'too-large'; readonly bytes: number } | { readonly kind: 'aborted' };

/** The declared length when it is over `limit` (a malformed one is node's to refuse: its parser does). */
export function declaredOver(req: IncomingMessage, limit: number): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > limit ? n : undefined;
}

export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (r: BodyRead): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limit) {
        // Stops reading here: what the client sends on stays in the socket until it is closed.
        req.pause();
        done({ kind: 'too-large', bytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done({ kind: 'read', body: Buffer.concat(chunks, bytes) });
    const onError = (): void => done({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) done({ kind: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
