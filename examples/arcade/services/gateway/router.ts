// A small hand-written REST router: `METHOD /path/:param` patterns matched segment by segment.
// The request and response shapes are plain data, so the API is tested without a socket.

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  /** Aborts when the client goes away: calls made for it stop too. */
  readonly signal: AbortSignal;
}

export type ApiResponse =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'bytes'; readonly status: number; readonly contentType: string; readonly body: Uint8Array; readonly headers?: Readonly<Record<string, string>> };

export type Handler = (req: ApiRequest) => Promise<ApiResponse>;

export type Match =
  /** `route` is the pattern that matched (`/api/games/:id`): a span's name, bounded unlike paths. */
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Readonly<Record<string, string>>; readonly route: string }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly pattern: string;
  readonly handler: Handler;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method: method.toUpperCase(), segments: split(pattern), pattern, handler });
    return this;
  }

  match(method: string, path: string): Match {
    const parts = split(path);
    const allow: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method === method.toUpperCase()) return { kind: 'found', handler: route.handler, params, route: route.pattern };
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? '';
    const got = parts[i] ?? '';
    if (want.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      params[want.slice(1)] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
