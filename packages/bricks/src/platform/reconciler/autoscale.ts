// The autoscaler's decision: from a window of load samples and `now`, how many replicas a
// service should run, and why. Pure: the daemon samples the load and acts on the answer.
//
// The shape is Kubernetes' HPA and Knative's KPA: desired = ceil(observed load / target per
// replica), averaged over a stable window; a tolerance band where nothing changes; a panic mode
// when a short window asks for much more than runs (a burst is answered in seconds, not after
// the stable window); at most a factor up per decision; a scale-down only once the stabilization
// window has asked for less all along; and, with min 0, zero replicas after an idle window.

/** What a replica's target is measured in. */
export type ScaleMetric = 'concurrency' | 'rps' | 'cpu';

/** The knobs, every one set (local-defaults.ts fills in what the stack leaves out). */
export interface AutoscalePolicy {
  readonly min: number;
  readonly max: number;
  /** Per replica: in-flight requests (concurrency), requests/s (rps), percent of one core (cpu). */
  readonly targets: Readonly<Partial<Record<ScaleMetric, number>>>;
  /** |observed ÷ target − 1| within this changes nothing (HPA's 0.1). */
  readonly tolerance: number;
  /** The load is averaged over this window for a decision. */
  readonly stableWindowMs: number;
  /** A shorter window that can trigger panic mode. */
  readonly panicWindowMs: number;
  /** Panic when the panic window asks for this many times the replicas running (Knative: 2). */
  readonly panicThreshold: number;
  /** At most this factor more replicas per decision (and at least one more). */
  readonly maxScaleUpRate: number;
  /** A scale-down goes only as low as the highest recommendation over this window. */
  readonly scaleDownStabilizationMs: number;
  /** With min 0: no request for this long stops every replica. */
  readonly idleMs: number;
}

/** The load of a whole service over one sampling interval (sums over its replicas). */
export interface LoadSample {
  readonly at: number;
  /** Average requests in flight over the interval. */
  readonly concurrency: number;
  /** Requests that arrived per second over the interval. */
  readonly rps: number;
  /** CPU in use, cores (1.0 = one core busy). */
  readonly cpu: number;
  /** Requests held because no replica was ready (at zero: the activator's queue). */
  readonly waiting: number;
}

export interface AutoscaleState {
  /** Newest last; kept for the longest window. */
  readonly samples: readonly LoadSample[];
  /** Past recommendations, for the scale-down stabilization. */
  readonly recommendations: readonly { readonly at: number; readonly replicas: number }[];
  /** Panic mode holds until this time (null: not in panic). */
  readonly panicUntil: number | null;
  /** The last time a request was in flight, arrived or waited. */
  readonly lastActiveAt: number;
}

export interface ScaleDecision {
  readonly state: AutoscaleState;
  readonly replicas: number;
  /** Why, in words for `bricks ps` and the scale event. */
  readonly reason: string;
}

export function emptyAutoscaleState(now: number): AutoscaleState {
  return { samples: [], recommendations: [], panicUntil: null, lastActiveAt: now };
}

const active = (s: LoadSample): boolean => s.concurrency > 0 || s.rps > 0 || s.waiting > 0;

/** Adds a sample and forgets what no window needs any more. */
export function observe(policy: AutoscalePolicy, state: AutoscaleState, sample: LoadSample): AutoscaleState {
  const keep = Math.max(policy.stableWindowMs, policy.panicWindowMs);
  return {
    ...state,
    samples: [...state.samples.filter((s) => s.at > sample.at - keep), sample],
    lastActiveAt: active(sample) ? sample.at : state.lastActiveAt,
  };
}

function average(samples: readonly LoadSample[], from: number, metric: ScaleMetric): number | null {
  const inWindow = samples.filter((s) => s.at > from);
  if (inWindow.length === 0) return null;
  const value = (s: LoadSample): number => (metric === 'cpu' ? s.cpu * 100 : s[metric]);
  return inWindow.reduce((sum, s) => sum + value(s), 0) / inWindow.length;
}

/** Replicas the load over a window asks for: the most any metric asks for (as the HPA does). */
function wanted(policy: AutoscalePolicy, samples: readonly LoadSample[], from: number): { replicas: number; why: string } | null {
  let best: { replicas: number; why: string } | null = null;
  for (const metric of ['concurrency', 'rps', 'cpu'] as const) {
    const target = policy.targets[metric];
    if (target === undefined) continue;
    const observed = average(samples, from, metric);
    if (observed === null) continue;
    const replicas = Math.ceil(observed / target - 1e-9);
    if (best === null || replicas > best.replicas) best = { replicas, why: `${metric} ${round(observed)}${unit(metric)} for a target of ${target}${unit(metric)} per replica` };
  }
  return best;
}

const unit = (m: ScaleMetric): string => (m === 'rps' ? '/s' : m === 'cpu' ? '%' : '');
const round = (n: number): string => (Math.round(n * 10) / 10).toString();
const seconds = (ms: number): string => `${round(ms / 1000)} s`;

/** The decision at `now` for a service running `current` replicas. */
export function decide(policy: AutoscalePolicy, state: AutoscaleState, current: number, now: number): ScaleDecision {
  const bound = (n: number): number => Math.min(policy.max, Math.max(policy.min, n));
  const latest = state.samples.at(-1);
  // Woken from zero: whatever is waiting needs a replica now.
  if (current === 0 && latest !== undefined && active(latest)) {
    return remember(policy, state, now, Math.max(1, bound(1)), `a request arrived while at zero: waking`);
  }
  const idleFor = now - state.lastActiveAt;
  if (policy.min === 0 && idleFor >= policy.idleMs && (latest === undefined || !active(latest))) {
    return remember(policy, state, now, 0, current === 0 ? 'idle: at zero' : `no request for ${seconds(idleFor)}: scaled to zero`);
  }
  const stable = wanted(policy, state.samples, now - policy.stableWindowMs);
  if (stable === null) return remember(policy, state, now, bound(current), 'no load measured yet');
  const panic = wanted(policy, state.samples, now - policy.panicWindowMs);

  let panicUntil = state.panicUntil !== null && state.panicUntil > now ? state.panicUntil : null;
  let desired: number;
  let reason: string;
  if (panic !== null && current > 0 && panic.replicas >= policy.panicThreshold * current) {
    // A burst: act on the short window, and do not scale down until it has passed for good.
    panicUntil = now + policy.stableWindowMs;
    desired = Math.max(current, panic.replicas);
    reason = `panic: ${panic.why} over ${seconds(policy.panicWindowMs)}`;
  } else if (panicUntil !== null) {
    desired = Math.max(current, stable.replicas, panic?.replicas ?? 0);
    reason = `panic until ${seconds(panicUntil - now)} from now: ${stable.why}`;
  } else if (current > 0 && Math.abs(stable.replicas / current - 1) <= policy.tolerance) {
    desired = current;
    reason = `within tolerance: ${stable.why}`;
  } else {
    desired = stable.replicas;
    reason = `${stable.why} over ${seconds(policy.stableWindowMs)}`;
  }
  // Growth is bounded per decision: the new replicas' load is seen before more are added.
  const ceiling = Math.max(current + 1, Math.ceil(current * policy.maxScaleUpRate));
  if (desired > ceiling) {
    desired = ceiling;
    reason += `; at most ×${policy.maxScaleUpRate} per step`;
  }
  // Scale-down only as far as every recommendation of the stabilization window allows.
  const next = { ...state, panicUntil };
  const recent = next.recommendations.filter((r) => r.at > now - policy.scaleDownStabilizationMs);
  const highest = Math.max(desired, ...recent.map((r) => r.replicas));
  if (desired < current && highest > desired) {
    const held = Math.min(current, highest);
    return remember(policy, next, now, bound(held), `${reason}; held at ${held} by the ${seconds(policy.scaleDownStabilizationMs)} scale-down window`, desired);
  }
  // With min 0, a running unit keeps one replica until the idle window has passed; one at zero
  // stays there until a request comes (the wake above).
  const final = bound(Math.max(desired, policy.min === 0 && current > 0 && idleFor < policy.idleMs ? 1 : 0));
  if (final !== desired) reason += final > desired ? `; min ${policy.min}` : `; max ${policy.max}`;
  return remember(policy, next, now, final, reason, desired);
}

/**
 * Records the recommendation (before the stabilization holds it up) and returns the decision.
 * Only the stabilization window's recommendations are kept.
 */
function remember(policy: AutoscalePolicy, state: AutoscaleState, now: number, replicas: number, reason: string, recommended = replicas): ScaleDecision {
  const kept = state.recommendations.filter((r) => r.at > now - policy.scaleDownStabilizationMs);
  return { state: { ...state, recommendations: [...kept, { at: now, replicas: recommended }] }, replicas, reason };
}
