// The test contract's implementation, shared by the SDK's tests: echo, fail with a code,
// sleep until the deadline, count (not idempotent; one key answers out of range), and relay to a downstream echo service.
import { BricksError, isErrorCode } from '../errors/index.ts';
import { client, type ClientOptions } from '../client/index.ts';
import { implement, type ServiceImplementation } from '../server/index.ts';
import { EchoService, RelayService } from './gen/bricks/test/v1/test_pb.ts';

export { EchoService, RelayService };

export function echoImpl(opts: { replica?: string; counts?: Map<string, number> } = {}): ServiceImplementation {
  const counts = opts.counts ?? new Map<string, number>();
  return implement(EchoService, {
    echo(req, ctx) {
      return {
        text: req.text,
        number: req.number,
        data: req.data,
        labels: req.labels,
        tags: req.tags,
        header: ctx.requestHeaders.get('x-echo') ?? '',
        traceparent: ctx.requestHeaders.get('traceparent') ?? '',
        replica: opts.replica ?? '',
      };
    },
    fail(req) {
      throw new BricksError(isErrorCode(req.code) ? req.code : 'unknown', req.message);
    },
    async sleep(req, ctx) {
      const budget = ctx.deadline - Date.now();
      const aborted = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), req.ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      if (aborted) throw BricksError.from(ctx.signal.reason);
      return { budgetMs: budget, aborted };
    },
    count(req) {
      // An answer no encoder can send (count is an int32): the handler's bug, on every transport.
      if (req.key === 'answer-out-of-range') return { count: 2 ** 40 };
      const n = (counts.get(req.key) ?? 0) + 1;
      counts.set(req.key, n);
      if (req.failWith) throw new BricksError(isErrorCode(req.failWith) ? req.failWith : 'unknown', `counted ${n}, failing as asked`);
      return { count: n };
    },
  });
}

/** RelayService: calls EchoService.Sleep downstream, inheriting the deadline. */
export function relayImpl(downstream: ClientOptions): ServiceImplementation {
  const echo = client(EchoService, downstream);
  return implement(RelayService, {
    relay(req) {
      return echo.sleep({ ms: req.sleepMs });
    },
  });
}
