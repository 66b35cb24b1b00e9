// The load one service proxy carries, as the autoscaler reads it: requests that arrived, and
// the time-weighted number in flight to the endpoints (the integral of in-flight over time, so a
// sampler reading it once a second gets the average concurrency of that second, bursts included).
import { performance } from 'node:perf_hooks';

export interface ProxyLoad {
  /** Requests accepted since the proxy started. */
  readonly requests: number;
  /** Requests in flight to endpoints right now. */
  readonly inFlight: number;
  /** ∫ in-flight dt since the proxy started, in request-milliseconds. */
  readonly busyMs: number;
  /** Requests held because no endpoint is ready (the activator's queue at zero replicas). */
  readonly waiting: number;
}

export class LoadMeter {
  private inFlight = 0;
  private busyMs = 0;
  private since = performance.now();

  enter(): void {
    this.advance();
    this.inFlight++;
  }

  leave(): void {
    this.advance();
    this.inFlight--;
  }

  read(requests: number, waiting: number): ProxyLoad {
    this.advance();
    return { requests, inFlight: this.inFlight, busyMs: this.busyMs, waiting };
  }

  private advance(): void {
    const now = performance.now();
    this.busyMs += this.inFlight * (now - this.since);
    this.since = now;
  }
}
