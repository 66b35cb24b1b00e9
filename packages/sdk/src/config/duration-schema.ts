// A zod schema for durations (the grammar of duration.ts), parsed to milliseconds: for
// config() and the resilience policy, so an environment variable and a stack file read alike.
import { z } from 'zod';
import { readDuration } from './duration.ts';

export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const d = readDuration(v);
  if (!d.ok) {
    ctx.addIssue({ code: 'custom', message: d.message });
    return z.NEVER;
  }
  return d.ms;
});
