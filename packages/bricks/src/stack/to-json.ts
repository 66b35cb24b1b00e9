// The normalized stack as plain JSON, for `bricks config --json` and the control API: the
// model itself, with services as an ordered list (a JSON object would reorder a service named
// like a number), durations in milliseconds.
import type { Service, Stack } from './model.ts';

export interface StackJson extends Omit<Stack, 'services'> {
  readonly services: readonly Service[];
}

/** The model with every secret's inline value left out (`bricks config --json`, GET /v1/config). */
export function stackToJson(stack: Stack): StackJson {
  const secrets = Object.fromEntries(Object.entries(stack.secrets).map(([name, src]) => [name, src.kind === 'content' ? { kind: 'content' as const, content: '[redacted]' } : src]));
  return { ...stack, secrets, services: Object.values(stack.services) };
}
