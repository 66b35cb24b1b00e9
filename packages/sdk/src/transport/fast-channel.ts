// The fast transport as a channel: protobuf binary over the SDK peers' own framing.
import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import type { Channel, StreamRequest, StreamResult, UnaryRequest, UnaryResult } from './channel.ts';
import type { FastClientStreamLike, FastModule } from './fast-module.ts';
import { withBricksErrors } from './stream-errors.ts';

export function fastChannel(fast: FastModule, baseUrl: string): Channel {
  const u = new URL(baseUrl);
  const client = new fast.FastClient({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) });
  return {
    async unary<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>): Promise<UnaryResult<O>> {
      let payload: Uint8Array;
      try {
        payload = toBinary(req.method.input, req.input);
      } catch (cause) {
        throw new BricksError('invalid_argument', `cannot encode ${req.method.input.typeName}: ${(cause as Error).message}`, { cause, unsent: true });
      }
      try {
        const res = await client.call(req.path, payload, { signal: req.signal, timeoutMs: req.timeoutMs, headers: req.headers });
        return { output: fromBinary(req.method.output, res.payload), headers: res.headers };
      } catch (e) {
        if (req.signal?.aborted) throw abortError(req.signal);
        throw BricksError.from(e);
      }
    },
    async stream(req: StreamRequest): Promise<StreamResult> {
      const s = client.stream(req.path, { signal: req.signal, timeoutMs: req.timeoutMs, headers: req.headers });
      const sending = { failure: undefined as BricksError | undefined };
      void pump(req, s, sending);
      const headers = await s.headers;
      const output = decoded(s, req, sending);
      return { headers, output: withBricksErrors(output, req.signal), trailers: () => s.trailers };
    },
    close() {
      void client.close();
    },
  };
}

/**
 * Sends the caller's messages as the server's window allows (the next is read only once it can
 * go). An input that throws, or a message that cannot be encoded, cancels the call with that error.
 */
async function pump(req: StreamRequest, s: FastClientStreamLike, sending: { failure: BricksError | undefined }): Promise<void> {
  const it = req.input[Symbol.asyncIterator]();
  for (;;) {
    try {
      if (!s.writable) await s.ready();
    } catch {
      // The call ended; its output says how.
      void it.return?.()?.catch(() => undefined);
      return;
    }
    let payload: Uint8Array;
    try {
      const r = await it.next();
      if (r.done === true) break;
      try {
        payload = toBinary(req.method.input, r.value);
      } catch (cause) {
        throw new BricksError('invalid_argument', `cannot encode ${req.method.input.typeName}: ${(cause as Error).message}`, { cause });
      }
    } catch (e) {
      sending.failure = BricksError.from(e);
      s.cancel();
      return;
    }
    try {
      s.send(payload);
    } catch (e) {
      // A message over the frame limit fails the call; otherwise the call ended and its output says how.
      const err = BricksError.from(e);
      if (err.code === 'resource_exhausted') {
        sending.failure = err;
        s.cancel();
      }
      void it.return?.()?.catch(() => undefined);
      return;
    }
  }
  s.end();
}

async function* decoded(s: FastClientStreamLike, req: StreamRequest, sending: { failure: BricksError | undefined }): AsyncGenerator<MessageShape<DescMessage>, void, undefined> {
  try {
    for await (const payload of s.output) yield fromBinary(req.method.output, payload);
  } catch (e) {
    if (sending.failure !== undefined) throw sending.failure;
    throw e;
  }
}
