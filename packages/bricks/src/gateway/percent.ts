// Percent-decoding of path variables as HttpRule says: a one-segment variable decodes every
// %XX; a multi-segment one (`{x=**}`, `{x=a/*}`) keeps %2F as it is, so a "/" that was part of a
// name stays apart from the "/" between segments.
import { GatewayError } from './errors.ts';

/** Decodes `raw`; with `keepSlash`, %2F and %2f are left encoded. Bad escapes or UTF-8 are a 400. */
export function percentDecode(raw: string, keepSlash: boolean, what: string): string {
  if (!raw.includes('%')) return raw;
  const parts = keepSlash ? raw.split(/(%2[Ff])/) : [raw];
  try {
    return parts.map((p, i) => (keepSlash && i % 2 === 1 ? p : decodeURIComponent(p))).join('');
  } catch (err) {
    throw new GatewayError('bad-request', `${what}: "${raw}" is not percent-encoded UTF-8`, { cause: err });
  }
}
