// Reads `.env` and `env_file` files the way Compose does: `KEY=VAL` lines, optional `export `,
// `#` comments, 'single quotes' taken literally, "double quotes" with \n \t \" \\ \$ escapes
// (both may span lines), and ${VAR} interpolation outside single quotes. A bare `KEY` line takes
// KEY from the environment and is skipped when the environment has no KEY.
import { interpolate } from './interpolate.ts';
import type { Lookup } from './interpolate.ts';
import type { Pos } from './node.ts';

export interface DotenvProblem {
  readonly code: 'syntax' | 'interpolation';
  readonly pos: Pos;
  readonly message: string;
}

export interface Dotenv {
  /** In file order; a later line for the same key wins. */
  readonly vars: ReadonlyMap<string, string>;
  readonly problems: readonly DotenvProblem[];
  /** Variables referenced but not set (Compose substitutes an empty string). */
  readonly unset: readonly string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$$' };

export function parseDotenv(text: string, lookup: Lookup): Dotenv {
  const vars = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  const unset: string[] = [];
  // Earlier lines of the same file are visible to later ones, ahead of the environment.
  const scoped: Lookup = (name) => vars.get(name) ?? lookup(name);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');

  const expand = (raw: string, pos: Pos): string => {
    const r = interpolate(raw, scoped);
    if (!r.ok) {
      problems.push({ code: 'interpolation', pos, message: r.message });
      return raw;
    }
    unset.push(...r.unset);
    return r.value;
  };

  for (let n = 0; n < lines.length; n += 1) {
    const lineNo = n + 1;
    const line = lines[n]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    let body = trimmed.startsWith('export ') ? trimmed.slice('export '.length).trimStart() : trimmed;
    const keyCol = indent + 1 + (trimmed.length - body.length);
    const keyMatch = KEY.exec(body);
    if (keyMatch === null) {
      problems.push({ code: 'syntax', pos: { line: lineNo, col: keyCol }, message: `expected KEY=VALUE, got ${JSON.stringify(line.trim())}` });
      continue;
    }
    const key = keyMatch[0];
    body = body.slice(key.length).trimStart();
    if (body === '' || body.startsWith('#')) {
      const value = lookup(key);
      if (value !== undefined) vars.set(key, value);
      continue;
    }
    if (!body.startsWith('=')) {
      problems.push({ code: 'syntax', pos: { line: lineNo, col: keyCol }, message: `expected "=" after ${key}` });
      continue;
    }
    body = body.slice(1).trimStart();
    const valueCol = line.length - body.length + 1;
    const pos = { line: lineNo, col: valueCol };
    const quote = body[0];
    if (quote === "'" || quote === '"') {
      // The value runs to the closing quote, possibly on a later line.
      const start = n;
      let text = body.slice(1);
      let close = findClose(text, quote);
      while (close < 0 && n + 1 < lines.length) {
        n += 1;
        text += '\n' + lines[n]!;
        close = findClose(text, quote);
      }
      if (close < 0) {
        n = start; // report it and carry on with the next line rather than lose the rest of the file
        problems.push({ code: 'syntax', pos, message: `the ${quote === "'" ? 'single' : 'double'} quote is never closed` });
        continue;
      }
      const after = text.slice(close + 1).trim();
      if (after !== '' && !after.startsWith('#')) {
        problems.push({ code: 'syntax', pos, message: `unexpected text after the closing quote: ${JSON.stringify(after)}` });
        continue;
      }
      const inner = text.slice(0, close);
      vars.set(key, quote === "'" ? inner : expand(unescape(inner), pos));
      continue;
    }
    // Unquoted: a `#` after a blank starts a comment.
    const comment = body.search(/\s#/);
    vars.set(key, expand((comment < 0 ? body : body.slice(0, comment)).trim(), pos));
  }
  return { vars, problems, unset };
}

function findClose(text: string, quote: string): number {
  for (let i = 0; i < text.length; i += 1) {
    if (quote === '"' && text[i] === '\\') i += 1;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Double-quote escapes; an escaped `$` becomes `$$` so interpolation leaves one `$`. */
function unescape(s: string): string {
  return s.replace(/\\(.)/gs, (whole, c: string) => ESCAPES[c] ?? whole);
}
