// The control API from the page: the contract's routes by name (no path written here), with the
// session cookie the browser sends and, on every POST, the session's CSRF token from the shell.
import { API } from '../../platform/api/contract/index.ts';
import type { JsonOf, LineOf, QueryCodec, RequestOf, RouteName } from '../../platform/api/contract/index.ts';
import { ApiError } from '../../platform/api/errors.ts';
import { CSRF_HEADER_NAME, CSRF_META_NAME } from './names.ts';


const csrf = (): string => document.querySelector<HTMLMetaElement>(`meta[name="${CSRF_META_NAME}"]`)?.content ?? '';

function prepare<K extends RouteName>(route: K, req: RequestOf<K>): { url: string; init: RequestInit } {
  const spec = API[route];
  const headers: Record<string, string> = { accept: 'application/json' };
  if (spec.method === 'POST') headers[CSRF_HEADER_NAME] = csrf();
  switch (spec.request.in) {
    case 'none':
      return { url: spec.path, init: { method: spec.method, headers } };
    case 'query': {
      // why: TypeScript does not relate API[K]'s codec to RequestOf<K>; both come from the same entry.
      const query = (spec.request.codec as QueryCodec<RequestOf<K>>).encode(req).toString();
      return { url: query === '' ? spec.path : `${spec.path}?${query}`, init: { method: spec.method, headers } };
    }
    case 'body':
      return { url: spec.path, init: { method: spec.method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(req) } };
  }
}

/** The control API's own error, as the CLI's client makes it from an error answer. */
async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    return ApiError.fromStatus(res.status, (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text);
  } catch {
    return ApiError.fromStatus(res.status, text);
  }
}

export async function call<K extends RouteName>(route: K, req: RequestOf<K>, signal?: AbortSignal): Promise<JsonOf<K>> {
  const { url, init } = prepare(route, req);
  const res = await fetch(url, { ...init, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (res.status === 401) location.reload(); // the session ended: the server shows the login page
  if (!res.ok) throw await failure(res);
  // why: the daemon answers with the contract's document for this route.
  return (await res.json()) as JsonOf<K>;
}

/** A route's NDJSON lines as they come, until the stream ends or `signal` aborts. */
export async function* lines<K extends RouteName>(route: K, req: RequestOf<K>, signal: AbortSignal): AsyncIterable<LineOf<K>> {
  const { url, init } = prepare(route, req);
  const res = await fetch(url, { ...init, credentials: 'same-origin', signal });
  if (!res.ok || res.body === null) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        // why: each line is the contract's line type for this route.
        if (line.trim() !== '') yield JSON.parse(line) as LineOf<K>;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
