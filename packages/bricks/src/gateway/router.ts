// Routes an HTTP method and path to one of many templates: the most specific template that
// matches wins (template.ts's order), and a path that only other verbs match is a 405.
import { percentDecode } from './percent.ts';
import { compareSpecificity, shapeOf, type PathTemplate, type Variable } from './template.ts';

export interface BoundVariable {
  readonly variable: Variable;
  /** Percent-decoded as the spec says (percent.ts). */
  readonly value: string;
}

export type RouteMatch<T> =
  | { readonly kind: 'matched'; readonly value: T; readonly variables: readonly BoundVariable[] }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

interface Route<T> {
  readonly verb: string;
  readonly template: PathTemplate;
  readonly shape: string;
  readonly value: T;
}

export class Router<T> {
  // Most specific first, so the first match is the one that wins. A linear scan: gateways
  // have tens of routes; a trie by literal segment is the next step if the bench asks for it.
  private readonly routes: Route<T>[] = [];

  /**
   * Adds a route; when one of the same verb and shape is there already, adds nothing and
   * returns that one's value, for the caller to report the conflict.
   */
  add(verb: string, template: PathTemplate, value: T): T | undefined {
    const shape = shapeOf(template);
    const upper = verb.toUpperCase();
    const same = this.routes.find((r) => r.verb === upper && r.shape === shape);
    if (same !== undefined) return same.value;
    const route = { verb: upper, template, shape, value };
    const at = this.routes.findIndex((r) => compareSpecificity(template, r.template) < 0);
    if (at < 0) this.routes.push(route);
    else this.routes.splice(at, 0, route);
    return undefined;
  }

  /** `rawPath` is the request target's path, still percent-encoded, without the query. */
  match(verb: string, rawPath: string): RouteMatch<T> {
    const upper = verb.toUpperCase();
    const allowed = new Set<string>();
    // Split once for every template without a custom verb (most of them), not once per route.
    let plain: string[] | null | undefined;
    for (const r of this.routes) {
      if (r.verb !== upper && allowed.has(r.verb)) continue;
      const segs = r.template.verb === null ? matchSegments(r.template, (plain ??= splitPath(rawPath))) : segmentsFor(r.template, rawPath);
      if (segs === null) continue;
      if (r.verb !== upper) {
        allowed.add(r.verb);
        continue;
      }
      return { kind: 'matched', value: r.value, variables: bind(r.template, segs) };
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed].sort() } : { kind: 'not-found' };
  }
}

function splitPath(p: string): string[] | null {
  return p.startsWith('/') ? p.slice(1).split('/') : null;
}

/** The raw path segments when `template` matches `rawPath` (verb taken off), else null. */
function segmentsFor(t: PathTemplate, rawPath: string): string[] | null {
  let p = rawPath;
  if (t.verb !== null) {
    const suffix = `:${t.verb}`;
    if (!p.endsWith(suffix)) return null;
    p = p.slice(0, -suffix.length);
  }
  return matchSegments(t, splitPath(p));
}

/** `segs` (the path split at '/', or null when it did not start with one) when `t` matches them. */
function matchSegments(t: PathTemplate, segs: string[] | null): string[] | null {
  if (segs === null) return null;
  const n = t.segments.length;
  for (let i = 0; i < n; i++) {
    const s = t.segments[i]!;
    if (s.kind === 'deep') return segs;
    const seg = segs[i];
    if (seg === undefined || seg === '') return null;
    if (s.kind === 'literal' && seg !== s.text && safeDecode(seg) !== s.text) return null;
  }
  return segs.length === n ? segs : null;
}

function safeDecode(seg: string): string | null {
  try {
    return decodeURIComponent(seg);
  } catch {
    return null;
  }
}

function bind(t: PathTemplate, segs: readonly string[]): BoundVariable[] {
  return t.variables.map((variable) => {
    // A trailing `**` covers every segment that is left, however many.
    const end = variable.end === t.segments.length && t.segments[t.segments.length - 1]?.kind === 'deep' ? segs.length : variable.end;
    const raw = segs.slice(variable.start, end).join('/');
    return { variable, value: percentDecode(raw, variable.multiSegment, `path variable ${variable.fieldPath.join('.')}`) };
  });
}
