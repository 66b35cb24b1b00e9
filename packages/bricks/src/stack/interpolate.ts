// Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
// `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`.
// Defaults and alternatives may nest (`${A:-${B}}`) and are only evaluated when used, as in Compose.
import { CodedError } from '../util/coded-error.ts';
import { castInterpolated } from './casts.ts';
import { childPath, itemPath } from './node.ts';
import type { Entry, Node } from './node.ts';
import type { Problems } from './problems.ts';

export type Lookup = (name: string) => string | undefined;

export type Interpolated =
  | { readonly ok: true; readonly value: string; readonly unset: readonly string[] }
  | { readonly ok: false; readonly message: string };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Why an interpolation failed; thrown only inside this file, where `interpolate` turns it into
 * its `{ ok: false }` result (the loader reports the message at the value's position).
 */
class Failure extends CodedError<'invalid-format' | 'required-unset'> {
  override readonly name = 'Failure';
}

export function interpolate(input: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  try {
    return { ok: true, value: expand(input, lookup, unset), unset };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, message: e.message };
    throw e;
  }
}

function expand(input: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(input, i + 2);
      out += braced(input.slice(i + 2, end), lookup, unset);
      i = end + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < input.length && NAME_CHAR.test(input[j]!)) j += 1;
      out += variable(input.slice(i + 1, j), lookup, unset);
      i = j;
    } else {
      throw new Failure(
        'invalid-format',
        `invalid interpolation format in ${JSON.stringify(input)}: a "$" must start $VAR or \${VAR}; write "$$" for a literal "$"`,
      );
    }
  }
  return out;
}

/** Index of the `}` that closes a `${` whose body starts at `from`, skipping nested `${...}`. */
function closingBrace(input: string, from: number): number {
  let depth = 0;
  for (let i = from; i < input.length; i += 1) {
    const c = input[i];
    if (c === '$' && input[i + 1] === '$') i += 1;
    else if (c === '$' && input[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  throw new Failure('invalid-format', `invalid interpolation format in ${JSON.stringify(input)}: "\${" is never closed with "}"`);
}

function variable(name: string, lookup: Lookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) {
    unset.push(name);
    return '';
  }
  return value;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

function braced(body: string, lookup: Lookup, unset: string[]): string {
  let n = 0;
  while (n < body.length && (n === 0 ? NAME_START : NAME_CHAR).test(body[n]!)) n += 1;
  const name = body.slice(0, n);
  const rest = body.slice(n);
  if (name === '') {
    throw new Failure('invalid-format', `invalid interpolation format: "\${${body}}" does not start with a variable name`);
  }
  if (rest === '') return variable(name, lookup, unset);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op === undefined) {
    throw new Failure(
      'invalid-format',
      `invalid interpolation format: "\${${body}}"; expected \${${name}}, \${${name}:-default}, \${${name}-default}, \${${name}:?error} or \${${name}?error}`,
    );
  }
  const arg = rest.slice(op.length);
  const value = lookup(name);
  const empty = value === undefined || value === '';
  switch (op) {
    case ':-':
      return empty ? expand(arg, lookup, unset) : value;
    case '-':
      return value === undefined ? expand(arg, lookup, unset) : value;
    case ':?':
    case '?': {
      if (op === ':?' ? empty : value === undefined) {
        const why = expand(arg, lookup, unset);
        const state = value === undefined ? 'is not set' : 'is empty';
        throw new Failure('required-unset', `required variable ${name} ${state}${why ? `: ${why}` : ''}`);
      }
      return value ?? '';
    }
    case ':+':
      return empty ? '' : expand(arg, lookup, unset);
    case '+':
      return value === undefined ? '' : expand(arg, lookup, unset);
  }
}

/**
 * Interpolates every string value in the tree (keys are left alone, as in Compose), casting
 * values at typed paths back to numbers and booleans (casts.ts).
 * A failed `${VAR:?err}` becomes a problem at that value; unset variables warn once each.
 */
export function interpolateTree(node: Node, lookup: Lookup, problems: Problems, path = ''): Node {
  const warned = new Set<string>();
  const walk = (n: Node, p: string): Node => {
    switch (n.kind) {
      case 'map':
        return { ...n, entries: n.entries.map((e): Entry => ({ ...e, value: walk(e.value, childPath(p, e.key)) })) };
      case 'seq':
        return { ...n, items: n.items.map((item, i) => walk(item, itemPath(p, i))) };
      case 'scalar': {
        if (typeof n.value !== 'string' || !n.value.includes('$')) return n;
        const result = interpolate(n.value, lookup);
        if (!result.ok) {
          problems.error('interpolation', n.pos, p, result.message);
          return n;
        }
        for (const name of result.unset) {
          if (warned.has(name)) continue;
          warned.add(name);
          problems.warn('interpolation', n.pos, p, `variable ${name} is not set; using an empty string`);
        }
        return { ...n, value: castInterpolated(p, result.value) ?? result.value, interpolated: true };
      }
    }
  };
  return walk(node, path);
}
