// The normalized stack as plain JSON, for `bricks config --json` and the control API: the
// model itself, with services as an ordered list (a JSON object would reorder a service named
// like a number), durations in milliseconds.
import type { Service, Stack } from './model.ts';

export interface StackJson extends Omit<Stack, 'services'> {
  readonly services: readonly Service[];
}

export function stackToJson(stack: Stack): StackJson {
  return { ...stack, services: Object.values(stack.services) };
}
