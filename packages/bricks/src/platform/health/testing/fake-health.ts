// A health watcher without probes, for the supervisor's tests: the test answers each
// replica's probes (ready, unready, liveness failures) whenever it likes.
import type { HealthWatch, HealthWatcher, ProbeReport, WatchRequest } from '../port.ts';

class FakeWatch implements HealthWatch {
  stopped = false;
  /** Times the replica's ready notice asked for a probe at once. */
  hurried = 0;

  constructor(
    readonly request: WatchRequest,
    readonly report: ProbeReport,
  ) {}

  probeNow(): void {
    this.hurried++;
  }

  stop(): void {
    this.stopped = true;
  }
}

export class FakeHealth implements HealthWatcher {
  private readonly watches = new Map<string, FakeWatch>();

  watch(request: WatchRequest, report: ProbeReport): HealthWatch {
    const w = new FakeWatch(request, report);
    this.watches.set(request.replicaId, w);
    return w;
  }

  /** Whether the replica's probes run now. */
  watching(replicaId: string): boolean {
    const w = this.watches.get(replicaId);
    return w !== undefined && !w.stopped;
  }

  hurried(replicaId: string): number {
    return this.watches.get(replicaId)?.hurried ?? 0;
  }

  /** One probe round that passes: readiness and liveness both answer. */
  pass(replicaId: string): void {
    this.answer(replicaId, 'readiness', true, 'ok');
    this.answer(replicaId, 'liveness', true, 'ok');
  }

  /** Readiness fails (liveness still answers). */
  unready(replicaId: string, detail = 'GET /ready answered 503'): void {
    this.answer(replicaId, 'readiness', false, detail);
  }

  /** Liveness fails (a hung process). */
  dead(replicaId: string, detail = 'GET /live timed out'): void {
    this.answer(replicaId, 'liveness', false, detail);
  }

  private answer(replicaId: string, check: 'readiness' | 'liveness', ok: boolean, detail: string): void {
    const w = this.watches.get(replicaId);
    if (w === undefined || w.stopped) throw new Error(`${replicaId} is not watched: a stopped watch reports nothing`);
    w.report(check, { ok, detail: ok ? '' : detail });
  }
}
