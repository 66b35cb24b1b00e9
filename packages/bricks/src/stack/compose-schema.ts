// Checks a stack file against the official Compose schema (compose-spec/, compiled by ajv) and
// turns each finding into a Problem at the YAML line and column it is about. The schema knows
// every Compose key and its type; bricks' own readers then check meanings it cannot express
// (ranges, durations, references) and every x-bricks key.
import { schema as rootSchema, validate } from './compose-spec/gen/validate.js';
import type { SchemaError } from './compose-spec/gen/validate.js';
import type { ProblemCode } from './model.ts';
import { describe, nodeAt, pathOf } from './node.ts';
import type { Node, Pos } from './node.ts';
import { nearest } from './suggest.ts';

/** One schema finding, located; the loader reports it unless its own readers said more. */
export interface SchemaFinding {
  readonly code: ProblemCode;
  readonly pos: Pos | undefined;
  readonly segments: readonly (string | number)[];
  readonly message: string;
}

/** Every finding of the schema on the (interpolated) tree, one per place, in no order. */
export function checkComposeSchema(root: Node, plain: unknown): SchemaFinding[] {
  if (validate(plain)) return [];
  const errors = validate.errors ?? [];
  return explain(errors, errors.filter((e) => owner(e, errors) === undefined), root);
}

/** The oneOf/anyOf error whose branches `e` was found in (the innermost), if any. */
function owner(e: SchemaError, all: readonly SchemaError[]): SchemaError | undefined {
  let best: SchemaError | undefined;
  for (const o of all) {
    if (o === e || (o.keyword !== 'oneOf' && o.keyword !== 'anyOf')) continue;
    if (!within(o.instancePath, e.instancePath) || !e.schemaPath.startsWith(`${o.schemaPath}/`)) continue;
    if (best === undefined || o.schemaPath.length > best.schemaPath.length) best = o;
  }
  return best;
}

function within(parent: string, child: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

function explain(all: readonly SchemaError[], errors: readonly SchemaError[], root: Node): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') out.push(...explainAlternatives(all, e, root));
    else {
      const f = finding(e, root);
      if (f !== null) out.push(f);
    }
  }
  return out;
}

/**
 * A value that matches none of several shapes (`ports` items: a number, a string or a map).
 * When it has the type of one shape, what is wrong inside that shape is the useful answer;
 * otherwise: which types would do.
 */
function explainAlternatives(all: readonly SchemaError[], e: SchemaError, root: Node): SchemaFinding[] {
  const branches = new Map<string, SchemaError[]>();
  for (const x of all) {
    if (owner(x, all) !== e) continue;
    const branch = x.schemaPath.slice(e.schemaPath.length + 1).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), x]);
  }
  const wrongType = (list: readonly SchemaError[]): boolean => list.some((x) => x.keyword === 'type' && x.instancePath === e.instancePath);
  const fitting = [...branches.values()].filter((list) => !wrongType(list)).sort((a, b) => a.length - b.length)[0];
  if (fitting !== undefined) return explain(all, fitting, root);
  const segments = segmentsOf(e.instancePath);
  const at = nodeAt(root, segments);
  const types = [...branches.values()].flatMap((list) => list.filter((x) => x.keyword === 'type').flatMap((x) => typeWords(x.params['type'])));
  const expected = [...new Set(types)].join(' or ');
  return [{ code: 'type', pos: at?.node.pos, segments, message: `expected ${expected || 'another kind of value'}, got ${at ? describe(at.node) : 'nothing'}` }];
}

function finding(e: SchemaError, root: Node): SchemaFinding | null {
  const segments = segmentsOf(e.instancePath);
  const at = nodeAt(root, segments);
  const pos = at?.node.pos;
  const got = at ? describe(at.node) : 'nothing';
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const known = knownKeys(segments);
      const guess = nearest(key, known);
      const keyAt = nodeAt(root, [...segments, key]);
      return {
        code: 'unknown-key',
        pos: keyAt?.keyPos ?? pos,
        segments: [...segments, key],
        message: `unknown key "${key}" in ${placeOf(segments)}${guess ? `; did you mean "${guess}"?` : ''}`,
      };
    }
    case 'type':
      return { code: 'type', pos, segments, message: `expected ${typeWords(p['type']).join(' or ')}, got ${got}` };
    case 'enum':
      return { code: 'value', pos, segments, message: `expected one of ${(p['allowedValues'] as unknown[]).map(String).join(', ')}, got ${got}` };
    case 'const':
      return { code: 'value', pos, segments, message: `expected ${JSON.stringify(p['allowedValue'])}, got ${got}` };
    case 'required':
      return { code: 'value', pos, segments, message: `"${String(p['missingProperty'])}" is required here` };
    case 'uniqueItems':
      return { code: 'value', pos, segments, message: `items ${String(p['j'])} and ${String(p['i'])} are the same; list each once` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: 'value', pos, segments, message: `expected a number ${String(p['comparison'])} ${String(p['limit'])}, got ${got}` };
    case 'pattern':
      return { code: 'value', pos, segments, message: `${got} does not have the form ${String(p['pattern'])}` };
    case 'propertyNames':
    case 'if':
      // Their own findings (the bad name; the `then` that failed) are reported beside them.
      return null;
    default:
      return { code: 'value', pos, segments, message: `${got} ${e.message ?? 'does not fit the Compose schema'}` };
  }
}

/** `/services/a~1b/ports/0` → ['services', 'a/b', 'ports', 0]. */
function segmentsOf(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function typeWords(type: unknown): string[] {
  const list = Array.isArray(type) ? type : [type];
  const words = list.map((t) => {
    switch (t) {
      case 'string':
        return 'a string';
      case 'number':
      case 'integer':
        return 'a number';
      case 'object':
        return 'a map';
      case 'array':
        return 'a list';
      case 'boolean':
        return 'true or false';
      case 'null':
        return 'nothing';
      default:
        return String(t);
    }
  });
  return [...new Set(words)];
}

/** How a message names a map: `the top level`, `service "a"`, else its key path. */
function placeOf(segments: readonly (string | number)[]): string {
  if (segments.length === 0) return 'the top level';
  if (segments.length === 2 && segments[0] === 'services') return `service "${String(segments[1])}"`;
  return pathOf(segments);
}

type Schema = Readonly<Record<string, unknown>>;

/** The keys the schema allows in the map at `segments`, for a "did you mean" suggestion. */
function knownKeys(segments: readonly (string | number)[]): string[] {
  let schema: Schema | undefined = rootSchema;
  for (const s of segments) {
    if (schema === undefined) return [];
    schema = child(resolve(schema, typeof s === 'number' ? 'array' : 'object'), s);
  }
  if (schema === undefined) return [];
  const props = resolve(schema, 'object')['properties'];
  return typeof props === 'object' && props !== null ? Object.keys(props) : [];
}

/** Follows a `$ref`, and picks the `oneOf`/`anyOf` branch of the wanted type. */
function resolve(schema: Schema, want: 'object' | 'array', depth = 0): Schema {
  if (depth > 16) return schema;
  const ref = schema['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const defs = rootSchema['$defs'] as Record<string, Schema> | undefined;
    const target = defs?.[ref.slice('#/$defs/'.length)];
    if (target !== undefined) return resolve(target, want, depth + 1);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const b of branches as Schema[]) {
      const r = resolve(b, want, depth + 1);
      const t = r['type'];
      if (t === want || (Array.isArray(t) && t.includes(want))) return r;
    }
  }
  return schema;
}

function child(schema: Schema, segment: string | number): Schema | undefined {
  if (typeof segment === 'number') {
    const items = schema['items'];
    return typeof items === 'object' && items !== null && !Array.isArray(items) ? (items as Schema) : undefined;
  }
  const props = schema['properties'] as Record<string, Schema> | undefined;
  if (props?.[segment] !== undefined) return props[segment];
  const patterns = schema['patternProperties'] as Record<string, Schema> | undefined;
  for (const [pattern, s] of Object.entries(patterns ?? {})) if (new RegExp(pattern, 'u').test(segment)) return s;
  const extra = schema['additionalProperties'];
  return typeof extra === 'object' && extra !== null ? (extra as Schema) : undefined;
}
