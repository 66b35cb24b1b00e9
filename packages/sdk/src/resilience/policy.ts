// Resilience policies: the schema of a stack's `x-bricks.resilience` (passed to replicas as
// JSON in BRICKS_RESILIENCE), its defaults, and how a call's effective policy is resolved:
// defaults ← top level ← targets[<service>] ← methods[<package.Service/Method>].
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

export const resilienceSchema = level
  .extend({
    /** Share of extra load retries may add, as a ratio of calls (token bucket). */
    retryBudget: z.number().min(0).max(1).optional(),
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
const DURATION_KEYS: ReadonlySet<string> = new Set(['timeout', 'backoff', 'maxBackoff', 'halfOpenAfter']);

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
