// The fast transport as a channel: protobuf binary over the SDK peers' own framing.
import { fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import type { Channel, UnaryRequest, UnaryResult } from './channel.ts';
import type { FastModule } from './fast-module.ts';

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
    close() {
      void client.close();
    },
  };
}
