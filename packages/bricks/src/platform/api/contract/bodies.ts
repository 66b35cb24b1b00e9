// The request bodies of the POST routes, each with the schema that checks it (body-check.ts
// applies them). Only the routes load this module at run time; the client imports the types
// alone, so the CLI does not load zod.
import { z } from 'zod';

export const scaleBody = z.object({
  service: z.string({ error: 'service must be a service name' }),
  replicas: z
    .number({ error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` })
    .int({ error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` })
    .min(0, { error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` }),
});
export type ScaleRequest = z.output<typeof scaleBody>;

export const restartBody = z.object({ service: z.string({ error: 'service must be a service name' }) });
export type RestartRequest = z.output<typeof restartBody>;

export const rollbackBody = z.object({
  /** A SHA (prefix) or -N; absent: DEFAULT_ROLLBACK_REF. */
  ref: z.string({ error: 'ref must be a SHA (prefix) or -N' }).optional(),
});
export type RollbackRequest = z.output<typeof rollbackBody>;

export const tokenBody = z.object({
  subject: z.string({ error: 'subject must be a string' }).min(1, { error: 'subject must not be empty' }),
  scopes: z.array(z.string().min(1), { error: 'scopes must be a list of scope names' }),
  audience: z.array(z.string().min(1), { error: 'audience must be a list' }).min(1, { error: 'a token needs an audience: --aud NAME, or x-bricks.auth.audience' }),
  ttlMs: z
    .number({ error: 'ttlMs must be a number of milliseconds' })
    .int()
    .min(1000, { error: 'a token lives at least 1 s' })
    .max(24 * 3600_000, { error: 'a development token lives at most 24 h' }),
});
export type TokenRequest = z.output<typeof tokenBody>;

/** OTLP's ExportTraceServiceRequest: only its outer shape here; the spans are read by hand (telemetry/traces). */
export const otlpBody = z.object({ resourceSpans: z.array(z.unknown(), { error: 'an OTLP export request has a resourceSpans array' }) });
