// grpc.health.v1.Health on every SDK server: a service is SERVING while the server is ready and
// the service has not been marked otherwise, NOT_SERVING from the moment shutdown begins (so a
// gRPC probe or Envoy stops sending before the port closes). "" is the server as a whole.
// Watch sends the status, then each change; its streams end when the server stops accepting
// calls, so they never hold a shutdown for its whole grace.
import { BricksError } from '../../errors/index.ts';
import { implement, type ServiceImplementation } from '../implement.ts';
import { HealthCheckResponse_ServingStatus as Status, Health } from './gen/grpc/health/v1/health_pb.ts';

export { Health };

export class HealthState {
  #ready = false;
  #closed = false;
  /** Services marked NOT_SERVING by the application. */
  readonly #down = new Set<string>();
  #changed = deferred();

  constructor(private readonly served: () => readonly string[]) {}

  /** The server's readiness: every service follows it. */
  setReady(ready: boolean): void {
    if (this.#ready === ready) return;
    this.#ready = ready;
    this.#notify();
  }

  /** Marks one service (or "" for all) up or down, as the application sees it. */
  setServing(service: string, serving: boolean): void {
    if (serving ? !this.#down.delete(service) : this.#down.has(service)) return;
    if (!serving) this.#down.add(service);
    this.#notify();
  }

  status(service: string): Status {
    if (service !== '' && !this.served().includes(service)) return Status.SERVICE_UNKNOWN;
    if (!this.#ready || this.#down.has('') || this.#down.has(service)) return Status.NOT_SERVING;
    return Status.SERVING;
  }

  /** The server stops accepting calls: Watch streams end (after the status they already sent). */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  implementation(): ServiceImplementation {
    return implement(Health, {
      check: (req) => {
        const status = this.status(req.service);
        if (status === Status.SERVICE_UNKNOWN) throw new BricksError('not_found', `unknown service ${req.service}`);
        return { status };
      },
      watch: (req, ctx) => this.#watch(req.service, ctx.signal),
    });
  }

  async *#watch(service: string, signal: AbortSignal): AsyncGenerator<{ status: Status }, void, undefined> {
    const gone = aborted(signal);
    gone.catch(() => undefined);
    let last: Status | undefined;
    for (;;) {
      const status = this.status(service);
      if (status !== last) {
        last = status;
        yield { status };
      }
      if (this.#closed) return;
      await Promise.race([this.#changed.promise, gone]);
    }
  }

  #notify(): void {
    const d = this.#changed;
    this.#changed = deferred();
    d.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = (): void => reject(BricksError.from(signal.reason, 'cancelled'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
