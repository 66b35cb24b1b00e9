// The test contract's streaming service, shared by the SDK's tests: ticks out (with a pause,
// a failure after them, and a count of what it produced for the back-pressure case), a sum of
// ticks in, and a chat that answers each tick at once.
import { BricksError, isErrorCode } from '../errors/index.ts';
import { implement, type ServiceImplementation } from '../server/index.ts';
import { StreamService } from './gen/bricks/test/v1/test_pb.ts';

export { StreamService };

/** What the server saw of keyed Ticks calls: ticks produced, and whether the handler saw its call cancelled. */
export interface StreamProbe {
  readonly produced: Map<string, number>;
  readonly cancelled: Set<string>;
}

export function newStreamProbe(): StreamProbe {
  return { produced: new Map(), cancelled: new Set() };
}

function failure(text: string): BricksError | undefined {
  if (!text.startsWith('fail:')) return undefined;
  const code = text.slice('fail:'.length);
  return new BricksError(isErrorCode(code) ? code : 'unknown', `failing as asked (${code})`);
}

export function streamImpl(probe: StreamProbe = newStreamProbe()): ServiceImplementation {
  return implement(StreamService, {
    async *ticks(req, ctx) {
      const key = req.key;
      if (key) ctx.signal.addEventListener('abort', () => probe.cancelled.add(key), { once: true });
      ctx.responseHeaders.set('x-ticks', String(req.count));
      const data = new Uint8Array(req.size);
      for (let n = 1; n <= req.count; n++) {
        if (n > 1 && req.intervalMs > 0) await sleep(req.intervalMs, ctx.signal);
        if (key) probe.produced.set(key, n);
        yield { n, text: `tick ${n}`, data };
      }
      ctx.responseTrailers.set('x-done', 'yes');
      if (req.failWith) throw new BricksError(isErrorCode(req.failWith) ? req.failWith : 'unknown', `failed after ${req.count} ticks`);
    },
    async sum(reqs, ctx) {
      let count = 0;
      let total = 0n;
      for await (const t of reqs) {
        const err = failure(t.text);
        if (err) throw err;
        count++;
        total += BigInt(t.n);
      }
      return { count, total, header: ctx.requestHeaders.get('x-echo') ?? '' };
    },
    async *chat(reqs) {
      for await (const t of reqs) {
        const err = failure(t.text);
        if (err) throw err;
        if (t.text === 'end') return;
        yield { n: t.n + 1, text: t.text };
      }
    },
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(BricksError.from(signal.reason));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(BricksError.from(signal.reason));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
