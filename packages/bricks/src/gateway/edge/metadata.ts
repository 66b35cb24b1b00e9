// What of an HTTP request goes on to the service as RPC metadata: the allow-listed headers, the
// token the edge verified, and the request id. Nothing else: above all no header that the
// platform reads as who the caller is, whatever the list says (config.ts refuses to list them too).
import { AUTHORIZATION_HEADER, IDENTITY_HEADER } from '@bricks/sdk/auth';
import type { IncomingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from './request-id.ts';

const NEVER = new Set([AUTHORIZATION_HEADER, IDENTITY_HEADER, REQUEST_ID_HEADER]);

export function metadataOf(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>, requestId: string, token: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowed) {
    if (NEVER.has(name)) continue;
    const v = headers[name];
    if (v === undefined) continue;
    out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  out[REQUEST_ID_HEADER] = requestId;
  if (token !== undefined) out[AUTHORIZATION_HEADER] = `Bearer ${token}`;
  return out;
}
