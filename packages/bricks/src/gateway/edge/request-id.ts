// Request ids: a caller's own `x-request-id` is kept when it is short and of a safe charset (it
// goes into logs, metadata and a response header), else the edge makes one.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** 128 characters: room for a UUID, a ULID or a trace id with a prefix; letters, digits and `-_.:+/=` (base64 and UUIDs), nothing a log or header could be broken with. */
const SANE = /^[A-Za-z0-9\-_.:+/=]{1,128}$/;

export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID();
}
