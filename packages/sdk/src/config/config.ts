// Typed 12-factor configuration: a zod object whose keys are environment variable names,
// validated once at start; the error names each variable and what was expected of it.
import type { z } from 'zod';

export interface ConfigIssue {
  /** The environment variable, e.g. `DATABASE_URL` (or `DATABASE_URL.port` for nested JSON). */
  readonly variable: string;
  readonly problem: 'missing' | 'invalid';
  readonly expected: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], opts?: { cause?: unknown }) {
    super(
      `invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.problem === 'missing' ? 'is not set; expected ' : ''}${i.expected}`).join('\n')}`,
      opts,
    );
    this.issues = issues;
  }
}

/**
 * Reads and validates configuration from the environment (default `process.env`).
 * Use `z.coerce.number()` / `z.stringbool()` for non-strings; defaults with `.default()`.
 */
export function config<S extends z.ZodObject>(schema: S, env: Readonly<Record<string, string | undefined>> = process.env): z.output<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) input[key] = env[key];
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue): ConfigIssue => {
    const variable = issue.path.map(String).join('.');
    const top = String(issue.path[0] ?? '');
    const missing = env[top] === undefined && issue.path.length === 1;
    return { variable, problem: missing ? 'missing' : 'invalid', expected: issue.message };
  });
  throw new ConfigError(issues, { cause: result.error });
}
