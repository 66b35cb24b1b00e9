// HttpRule path templates (the grammar in proto/google/api/http.proto): parsed once at start
// into segments, the variables that bind runs of them, and the verb suffix.
import { GatewayError } from './errors.ts';

export type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  /** `*`: exactly one segment. */
  | { readonly kind: 'wildcard' }
  /** `**`: zero or more segments, only at the end. */
  | { readonly kind: 'deep' };

export interface Variable {
  /** The request field it binds, one name per level (`{book.name}` → ['book', 'name']). */
  readonly fieldPath: readonly string[];
  /** The segments it covers: [start, end) into PathTemplate.segments. */
  readonly start: number;
  readonly end: number;
  /** More than one segment or a `**`: its value keeps `/`, and %2F stays encoded (the spec's reserved expansion). */
  readonly multiSegment: boolean;
}

export interface PathTemplate {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly variables: readonly Variable[];
  /** The `:verb` suffix without its colon, or null. */
  readonly verb: string | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A literal may hold what a URL path segment may hold, less the template's own punctuation.
const LITERAL = /^[A-Za-z0-9\-._~!$&'()+,;=@%]+$/;

/** Parses a template; a GatewayError('rule-invalid') says what is wrong with it. */
export function parseTemplate(text: string): PathTemplate {
  const bad = (why: string): GatewayError => new GatewayError('rule-invalid', `path template "${text}": ${why}`);
  if (!text.startsWith('/')) throw bad('it must start with "/"');
  const parts = splitOutsideBraces(text.slice(1), '/', bad);
  let verb: string | null = null;
  const last = parts[parts.length - 1]!;
  const colon = indexOutsideBraces(last, ':');
  if (colon >= 0) {
    verb = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (!LITERAL.test(verb)) throw bad(`the verb ":${verb}" is not a literal`);
  }
  const segments: Segment[] = [];
  const variables: Variable[] = [];
  const bound = new Set<string>();
  for (const part of parts) {
    if (part.startsWith('{')) {
      if (!part.endsWith('}')) throw bad(`"${part}" is not a variable: it must end with "}"`);
      const inner = part.slice(1, -1);
      const eq = inner.indexOf('=');
      const path = eq < 0 ? inner : inner.slice(0, eq);
      const fieldPath = path.split('.');
      if (!fieldPath.every((p) => IDENT.test(p))) throw bad(`"${path}" is not a field path (names joined by ".")`);
      if (bound.has(path)) throw bad(`the field "${path}" is bound twice`);
      bound.add(path);
      const inside = eq < 0 ? [{ kind: 'wildcard' } as const] : inner.slice(eq + 1).split('/').map((p) => plainSegment(p, bad, true));
      const start = segments.length;
      segments.push(...inside);
      variables.push({ fieldPath, start, end: segments.length, multiSegment: inside.length > 1 || inside.some((s) => s.kind === 'deep') });
    } else {
      segments.push(plainSegment(part, bad, false));
    }
  }
  const deep = segments.findIndex((s) => s.kind === 'deep');
  if (deep >= 0 && deep !== segments.length - 1) throw bad('"**" may only be the last segment');
  return { text, segments, variables, verb };
}

function plainSegment(part: string, bad: (why: string) => GatewayError, inVariable: boolean): Segment {
  if (part === '*') return { kind: 'wildcard' };
  if (part === '**') return { kind: 'deep' };
  if (part === '') throw bad('an empty segment ("//" or a trailing "/")');
  if (part.includes('{') || part.includes('}')) throw bad(inVariable ? `a variable cannot hold another ("${part}")` : `"${part}" is not a segment`);
  if (!LITERAL.test(part)) throw bad(`"${part}" is not a literal segment`);
  return { kind: 'literal', text: part };
}

function splitOutsideBraces(s: string, sep: string, bad: (why: string) => GatewayError): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '{') {
      if (depth > 0) throw bad('a variable cannot hold another');
      depth++;
    } else if (c === '}') {
      if (depth === 0) throw bad('"}" without "{"');
      depth--;
    } else if (c === sep && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  if (depth !== 0) throw bad('"{" without "}"');
  out.push(s.slice(from));
  return out;
}

function indexOutsideBraces(s: string, c: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') depth--;
    else if (s[i] === c && depth === 0) return i;
  }
  return -1;
}

/**
 * The template with its variables' names taken out (`/v1/{name=shelves/*}` → `/v1/shelves/*`):
 * two rules of one verb with the same shape would match the same requests.
 */
export function shapeOf(t: PathTemplate): string {
  const segs = t.segments.map((s) => (s.kind === 'literal' ? s.text : s.kind === 'wildcard' ? '*' : '**'));
  return `/${segs.join('/')}${t.verb === null ? '' : `:${t.verb}`}`;
}

/**
 * Orders templates most specific first: segment by segment a literal beats `*`, which beats
 * `**`; where one ends and the other goes on with `**` the one that ends wins (`/files` over
 * `/files/**` for "/files"); a verb beats none. Negative when `a` is the more specific.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const rank = (s: Segment | undefined): number => (s === undefined ? 1 : s.kind === 'literal' ? 3 : s.kind === 'wildcard' ? 2 : 0);
  if ((a.verb === null) !== (b.verb === null)) return a.verb === null ? 1 : -1;
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const d = rank(b.segments[i]) - rank(a.segments[i]);
    if (d !== 0) return d;
  }
  return 0;
}
