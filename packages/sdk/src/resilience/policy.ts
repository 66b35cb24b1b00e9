// Resilience policies: the schema of a stack's `x-bricks.resilience` (passed to replicas as
// JSON in BRICKS_RESILIENCE), its defaults, and how a call's effective policy is resolved:
// defaults ← top level ← targets[<service>] ← methods[<package.Service/Method>].
// Two settings are the replica's own, top level only: `overload` (how its server limits the
// calls it takes) and `throttle` (how its clients hold back from a target that refuses them).
import { z } from 'zod';
import { formatDuration } from '../config/duration.ts';
import { duration } from '../config/duration-schema.ts';
import { RESILIENCE_VARIABLE } from '../config/platform-env-names.js';

const level = z
  .object({
    timeout: duration.optional(),
    retries: z
      .object({
        max: z.number().int().min(0).max(10).optional(),
        backoff: duration.optional(),
        maxBackoff: duration.optional(),
      })
      .strict()
      .optional(),
    circuitBreaker: z
      .object({
        failures: z.number().int().min(1).optional(),
        halfOpenAfter: duration.optional(),
      })
      .strict()
      .optional(),
    bulkhead: z
      .object({
        maxConcurrent: z.number().int().min(1).optional(),
        maxQueue: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The server's adaptive concurrency limit (server/overload/). */
const overload = z
  .object({
    /** false: no limit, every call is taken (what the SDK did before overload protection). */
    enabled: z.boolean().optional(),
    /** The ceiling: never more calls in flight than this, whatever latency says. */
    maxConcurrency: z.number().int().min(1).max(100_000).optional(),
    /** The floor: the limit never goes below this. */
    minConcurrency: z.number().int().min(1).optional(),
    /** Latency up to this many times the baseline counts as not queueing. */
    tolerance: z.number().min(1).max(100).optional(),
    /** Queueing delay below this never lowers the limit. */
    slack: duration.optional(),
  })
  .strict()
  .refine((o) => o.minConcurrency === undefined || o.maxConcurrency === undefined || o.minConcurrency <= o.maxConcurrency, {
    message: 'minConcurrency must not be above maxConcurrency',
    path: ['minConcurrency'],
  });

/** Client-side adaptive throttling (resilience/throttle.ts). */
const throttle = z
  .object({
    enabled: z.boolean().optional(),
    /** K of the SRE book: how many requests per accepted one go out before the client starts to refuse locally. */
    accepts: z.number().min(1).max(100).optional(),
    /** How far back requests and accepts are counted. */
    window: duration.optional(),
  })
  .strict();

export const resilienceSchema = level
  .extend({
    /** Share of extra load retries may add, as a ratio of calls (token bucket). */
    retryBudget: z.number().min(0).max(1).optional(),
    overload: overload.optional(),
    throttle: throttle.optional(),
    targets: z.record(z.string(), level).optional(),
    methods: z.record(z.string(), level).optional(),
  })
  .strict();

export type ResilienceSpec = z.output<typeof resilienceSchema>;
type Level = z.output<typeof level>;

/** A fully resolved policy for one call: every knob has a value. */
export interface Policy {
  readonly timeoutMs: number;
  readonly retries: { readonly max: number; readonly backoffMs: number; readonly maxBackoffMs: number };
  readonly circuitBreaker: { readonly failures: number; readonly halfOpenAfterMs: number };
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueue: number };
}

export const defaultPolicy: Policy = {
  // Never infinite: a call with no configured timeout ends after 5 s.
  timeoutMs: 5000,
  // Two retries at 25 ms, 50 ms (full jitter) fit well inside the default deadline.
  retries: { max: 2, backoffMs: 25, maxBackoffMs: 1000 },
  // 5 consecutive failures and 5 s open: the figures Dapr's and cockatiel's examples use.
  circuitBreaker: { failures: 5, halfOpenAfterMs: 5000 },
  // High enough to stay out of the way of the 100-in-flight benchmark; a guard, not a limiter.
  bulkhead: { maxConcurrent: 1000, maxQueue: 0 },
};

/** 20% extra load at most, as the SDK brief asks (gRPC's retry throttling uses 10%). */
export const defaultRetryBudget = 0.2;

/** A replica's overload protection, every knob with a value (server/overload/). */
export interface OverloadPolicy {
  readonly enabled: boolean;
  readonly initialConcurrency: number;
  readonly minConcurrency: number;
  readonly maxConcurrency: number;
  readonly tolerance: number;
  readonly slackMs: number;
  readonly windowMs: number;
  readonly minSamples: number;
  readonly baselineMs: number;
  /** How long one turn of the event loop may spend starting calls before it lets I/O run. */
  readonly sliceMs: number;
}

export const defaultOverload: OverloadPolicy = {
  enabled: true,
  // Netflix starts at 20, which refuses healthy traffic while the limit climbs (100 callers of a
  // fast method were refused, and SDK callers that loop on a refusal then drive their own
  // throttle toward refusing everything); the ceiling admits a whole burst's worth of handlers
  // at once (250 of 2 ms each ran before any refusal of the same read was written, and their
  // callers timed out). 100: bench/rpc's 100 callers pass, a burst starts at most 100.
  initialConcurrency: 100,
  // Netflix's Gradient2 floor (Envoy keeps at least 3). On a laptop a replica is descheduled for
  // tens of ms at a time while the rest of the stack runs; calls that arrive meanwhile are read
  // together, and a floor of a few would refuse most of them although the replica could serve
  // them within ms. 20 calls of a few ms each queue for well under any deadline.
  minConcurrency: 20,
  // A Node replica runs handlers on one thread and a laptop shares its few cores with the whole
  // stack: past a few hundred calls in flight a replica only queues. 250 is the fast transport's
  // per-connection limit and Go's HTTP/2 default for concurrent streams.
  maxConcurrency: 250,
  // 2× the baseline latency (Gradient2 uses 1.5×): a laptop's latency is noisier than a server's.
  tolerance: 2,
  // Timer and GC pauses on a laptop are a few ms; queueing below 10 ms is never worth a refusal.
  slackMs: 10,
  // 100 ms windows of at least 10 calls: the limit follows a burst within a few hundred ms.
  windowMs: 100,
  minSamples: 10,
  // Envoy re-measures its minimum latency every minute or so; a laptop's load changes faster.
  baselineMs: 30_000,
  // An answer waits at most about this long for the loop to write it while a burst is started.
  sliceMs: 5,
};

/** Client-side adaptive throttling, every knob with a value (resilience/throttle.ts). */
export interface ThrottlePolicy {
  readonly enabled: boolean;
  readonly accepts: number;
  readonly windowMs: number;
}

export const defaultThrottle: ThrottlePolicy = {
  enabled: true,
  // K = 2, the SRE book's value: up to half the calls may be refused before the client holds back.
  accepts: 2,
  // grpc-go's adaptive throttler counts 30 s; the SRE book's 2 minutes would keep a laptop's
  // clients throttled long after a short overload in a test run.
  windowMs: 30_000,
};

/** The replica's overload protection: defaults ← `overload`. */
export function resolveOverload(spec: ResilienceSpec): OverloadPolicy {
  const o = spec.overload;
  if (o === undefined) return defaultOverload;
  const max = o.maxConcurrency ?? defaultOverload.maxConcurrency;
  const min = Math.min(o.minConcurrency ?? defaultOverload.minConcurrency, max);
  return {
    ...defaultOverload,
    enabled: o.enabled ?? defaultOverload.enabled,
    maxConcurrency: max,
    minConcurrency: min,
    initialConcurrency: Math.min(max, Math.max(min, defaultOverload.initialConcurrency)),
    tolerance: o.tolerance ?? defaultOverload.tolerance,
    slackMs: o.slack ?? defaultOverload.slackMs,
  };
}

/** The replica's client-side throttling: defaults ← `throttle`. */
export function resolveThrottle(spec: ResilienceSpec): ThrottlePolicy {
  const t = spec.throttle;
  if (t === undefined) return defaultThrottle;
  return { enabled: t.enabled ?? defaultThrottle.enabled, accepts: t.accepts ?? defaultThrottle.accepts, windowMs: t.window ?? defaultThrottle.windowMs };
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code = 'invalid_policy' as const;
}

/** Parses BRICKS_RESILIENCE (JSON). Empty/undefined → no overrides. */
export function parseResilience(json: string | undefined): ResilienceSpec {
  if (json === undefined || json.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new PolicyError(`${RESILIENCE_VARIABLE} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const r = resilienceSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${['resilience', ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new PolicyError(`${RESILIENCE_VARIABLE} is invalid:\n${lines.join('\n')}`, { cause: r.error });
  }
  return r.data;
}

/**
 * A spec as the JSON parseResilience reads (durations written out with their unit): the
 * platform validates `x-bricks.resilience` with this schema and hands the result to replicas
 * in this form, so both sides read one format.
 */
export function encodeResilience(spec: ResilienceSpec): string {
  return JSON.stringify(spec, (key, value: unknown) => (DURATION_KEYS.has(key) && typeof value === 'number' ? formatDuration(value) : value));
}

/** The keys of the schema whose values are durations. */
const DURATION_KEYS: ReadonlySet<string> = new Set(['timeout', 'backoff', 'maxBackoff', 'halfOpenAfter', 'slack', 'window']);

function apply(base: Policy, l: Level | undefined): Policy {
  if (l === undefined) return base;
  return {
    timeoutMs: l.timeout ?? base.timeoutMs,
    retries: {
      max: l.retries?.max ?? base.retries.max,
      backoffMs: l.retries?.backoff ?? base.retries.backoffMs,
      maxBackoffMs: l.retries?.maxBackoff ?? base.retries.maxBackoffMs,
    },
    circuitBreaker: {
      failures: l.circuitBreaker?.failures ?? base.circuitBreaker.failures,
      halfOpenAfterMs: l.circuitBreaker?.halfOpenAfter ?? base.circuitBreaker.halfOpenAfterMs,
    },
    bulkhead: {
      maxConcurrent: l.bulkhead?.maxConcurrent ?? base.bulkhead.maxConcurrent,
      maxQueue: l.bulkhead?.maxQueue ?? base.bulkhead.maxQueue,
    },
  };
}

/**
 * The policy for a call to `target` (a service name) and `method` (`package.Service/Method`;
 * a leading slash is ignored). Method entries win over target entries over the top level.
 */
export function resolvePolicy(spec: ResilienceSpec, target: string | undefined, method: string | undefined): Policy {
  let p = apply(defaultPolicy, spec);
  if (target !== undefined) p = apply(p, spec.targets?.[target]);
  if (method !== undefined) p = apply(p, spec.methods?.[method.replace(/^\//, '')]);
  return p;
}
