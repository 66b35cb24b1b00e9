// The peer's messages of a streaming call with every failure as a BricksError: the caller's
// own abort as its reason (cancelled, or the deadline it carried), anything else by its code.
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';

export async function* withBricksErrors<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
  try {
    yield* source;
  } catch (e) {
    if (signal?.aborted === true) throw abortError(signal);
    throw BricksError.from(e);
  }
}

/** Headers as a plain record with lowercase names. */
export function headerRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k] = v));
  return out;
}
