// A small evaluator for the subset of Go templates (with Helm's functions) that bricks' own
// chart uses, so its tests render the chart the way `helm template` would without helm on the
// machine. Supported: text with `{{- -}}` trimming, comments, define/include, if/else/end,
// pipelines, field chains on `.`, `$` and parentheses, string and integer literals, and the
// functions include, dict, index, nindent, indent, quote, b64enc, required, default.
// Stricter than Go on purpose: printing a missing value throws, so template mistakes surface.
import { CodedError } from '../../../util/coded-error.ts';

type Node =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'output'; readonly pipe: Pipeline }
  | { readonly type: 'if'; readonly cond: Pipeline; readonly then: Node[]; readonly else: Node[] };

type Operand =
  | { readonly type: 'literal'; readonly value: string | number }
  | { readonly type: 'field'; readonly root: 'dot' | 'dollar'; readonly path: readonly string[] }
  | { readonly type: 'paren'; readonly pipe: Pipeline; readonly path: readonly string[] }
  | { readonly type: 'func'; readonly name: string };

type Command = readonly Operand[];
type Pipeline = readonly Command[];

export type TemplateErrorCode =
  /** The template's text does not parse: an unclosed action or block, an unexpected token. */
  | 'syntax'
  /** A template printed a missing value, a map or a list. */
  | 'unprintable'
  /** `include` names no `define`d template, or a function is not one of those supported. */
  | 'unknown-name'
  /** A value was given arguments. */
  | 'bad-call'
  /** A `required` value is missing: the message is the template's own. */
  | 'required'
  /** Anything else that failed while rendering, kept as `cause`. */
  | 'internal';

export class TemplateError extends CodedError<TemplateErrorCode> {
  override readonly name = 'TemplateError';

  static from(err: unknown, code: TemplateErrorCode = 'internal'): TemplateError {
    return TemplateError.wrap(err, code);
  }
}

interface Action {
  readonly kind: 'text' | 'action';
  text: string;
}

/** Splits source into text and action pieces, applying the `{{-`/`-}}` whitespace trims. */
function lex(src: string): Action[] {
  const out: Action[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open === -1 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      out.push({ kind: 'text', text });
      break;
    }
    let j = open + 2;
    const trimBefore = src.startsWith('- ', j) || src.startsWith('-\n', j);
    if (trimBefore) text = text.replace(/\s+$/, '');
    out.push({ kind: 'text', text });
    // Find the closing braces outside string literals and comments.
    let inString = false;
    for (; j < src.length; j++) {
      const c = src[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (src.startsWith('/*', j)) {
        const end = src.indexOf('*/', j + 2);
        if (end === -1) throw new TemplateError('syntax', 'unclosed comment');
        j = end + 1;
      } else if (c === '"') inString = true;
      else if (src.startsWith('}}', j)) break;
    }
    if (j >= src.length) throw new TemplateError('syntax', `unclosed action at ${open}`);
    let body = src.slice(open + 2, j);
    if (trimBefore) body = body.slice(1);
    if (body.endsWith(' -') || body.endsWith('\n-')) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    out.push({ kind: 'action', text: body.trim() });
    i = j + 2;
  }
  return out.filter((a) => a.kind === 'action' || a.text !== '');
}

const tokenRe = /\s*("(?:[^"\\]|\\.)*"|-?\d+|\$(?:\.[A-Za-z_]\w*)*|(?:\.[A-Za-z_]\w*)+|\.|\(|\)|\||[A-Za-z_]\w*)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  tokenRe.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    if (/^\s*$/.test(s.slice(pos))) break;
    tokenRe.lastIndex = pos;
    const m = tokenRe.exec(s);
    if (!m || m[1] === undefined) throw new TemplateError('syntax', `cannot read "${s.slice(pos)}"`);
    out.push(m[1]);
    pos = tokenRe.lastIndex;
  }
  return out;
}

function parsePipeline(tokens: string[], at: { i: number }): Pipeline {
  const cmds: Command[] = [];
  let cmd: Operand[] = [];
  while (at.i < tokens.length) {
    const t = tokens[at.i++] ?? '';
    if (t === ')') {
      at.i--;
      break;
    }
    if (t === '|') {
      cmds.push(cmd);
      cmd = [];
    } else if (t === '(') {
      const pipe = parsePipeline(tokens, at);
      if (tokens[at.i++] !== ')') throw new TemplateError('syntax', 'missing )');
      // A field chain straight after the parenthesis: `(index .a "b").c`.
      let path: string[] = [];
      const next = tokens[at.i];
      if (next?.startsWith('.') && next.length > 1) {
        path = next.slice(1).split('.');
        at.i++;
      }
      cmd.push({ type: 'paren', pipe, path });
    } else if (t.startsWith('"')) {
      cmd.push({ type: 'literal', value: JSON.parse(t) as string });
    } else if (/^-?\d+$/.test(t)) {
      cmd.push({ type: 'literal', value: Number(t) });
    } else if (t === '.') {
      cmd.push({ type: 'field', root: 'dot', path: [] });
    } else if (t.startsWith('.')) {
      cmd.push({ type: 'field', root: 'dot', path: t.slice(1).split('.') });
    } else if (t.startsWith('$')) {
      cmd.push({ type: 'field', root: 'dollar', path: t.length > 1 ? t.slice(2).split('.') : [] });
    } else {
      cmd.push({ type: 'func', name: t });
    }
  }
  cmds.push(cmd);
  if (cmds.some((c) => c.length === 0)) throw new TemplateError('syntax', 'empty command in pipeline');
  return cmds;
}

function pipelineOf(s: string): Pipeline {
  const tokens = tokenize(s);
  const at = { i: 0 };
  const p = parsePipeline(tokens, at);
  if (at.i !== tokens.length) throw new TemplateError('syntax', `unexpected ${tokens[at.i]} in "${s}"`);
  return p;
}

function parse(src: string, defines: Map<string, Node[]>): Node[] {
  const pieces = lex(src);
  let i = 0;
  // Returns the nodes up to (not including) the terminating keyword, and which keyword it was.
  const block = (): { nodes: Node[]; end: 'end' | 'else' | 'eof' } => {
    const nodes: Node[] = [];
    while (i < pieces.length) {
      const p = pieces[i++]!;
      if (p.kind === 'text') {
        nodes.push({ type: 'text', text: p.text });
        continue;
      }
      const a = p.text;
      if (a.startsWith('/*')) continue;
      if (a === 'end') return { nodes, end: 'end' };
      if (a === 'else') return { nodes, end: 'else' };
      const define = /^define\s+"([^"]+)"$/.exec(a);
      if (define) {
        const body = block();
        if (body.end !== 'end') throw new TemplateError('syntax', `define "${define[1]}" is not closed`);
        defines.set(define[1]!, body.nodes);
      } else if (a.startsWith('if ')) {
        const cond = pipelineOf(a.slice(3));
        const then = block();
        let otherwise: Node[] = [];
        if (then.end === 'else') {
          const e = block();
          if (e.end !== 'end') throw new TemplateError('syntax', 'if/else is not closed');
          otherwise = e.nodes;
        } else if (then.end !== 'end') throw new TemplateError('syntax', 'if is not closed');
        nodes.push({ type: 'if', cond, then: then.nodes, else: otherwise });
      } else {
        nodes.push({ type: 'output', pipe: pipelineOf(a) });
      }
    }
    return { nodes, end: 'eof' };
  };
  const top = block();
  if (top.end !== 'eof') throw new TemplateError('syntax', `unexpected {{ ${top.end} }}`);
  return top.nodes;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function walk(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function indentLines(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return s.split('\n').map((l) => pad + l).join('\n');
}

class Evaluator {
  constructor(private readonly defines: Map<string, Node[]>) {}

  render(nodes: readonly Node[], dot: unknown, dollar: unknown): string {
    let out = '';
    for (const n of nodes) {
      switch (n.type) {
        case 'text':
          out += n.text;
          break;
        case 'output': {
          const v = this.pipeline(n.pipe, dot, dollar);
          if (v === undefined || v === null) throw new TemplateError('unprintable', 'a template printed a missing value');
          if (typeof v === 'object') throw new TemplateError('unprintable', 'a template printed a map or list');
          out += typeof v === 'string' ? v : JSON.stringify(v);
          break;
        }
        case 'if':
          out += this.render(truthy(this.pipeline(n.cond, dot, dollar)) ? n.then : n.else, dot, dollar);
          break;
      }
    }
    return out;
  }

  private pipeline(p: Pipeline, dot: unknown, dollar: unknown): unknown {
    let prev: unknown[] = [];
    for (const cmd of p) prev = [this.command(cmd, prev, dot, dollar)];
    return prev[0];
  }

  private operand(o: Operand, dot: unknown, dollar: unknown): unknown {
    switch (o.type) {
      case 'literal':
        return o.value;
      case 'field':
        return walk(o.root === 'dot' ? dot : dollar, o.path);
      case 'paren':
        return walk(this.pipeline(o.pipe, dot, dollar), o.path);
      case 'func':
        return this.call(o.name, [], dot);
    }
  }

  private command(cmd: Command, piped: unknown[], dot: unknown, dollar: unknown): unknown {
    const [head, ...rest] = cmd;
    if (head?.type === 'func') {
      const args = rest.map((o) => this.operand(o, dot, dollar));
      return this.call(head.name, [...args, ...piped], dot);
    }
    if (rest.length > 0 || piped.length > 0 || !head) throw new TemplateError('bad-call', 'a value cannot take arguments');
    return this.operand(head, dot, dollar);
  }

  private call(name: string, args: unknown[], _dot: unknown): unknown {
    const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
    switch (name) {
      case 'include': {
        const body = this.defines.get(str(args[0]));
        if (!body) throw new TemplateError('unknown-name', `no template "${str(args[0])}"`);
        return this.render(body, args[1], args[1]);
      }
      case 'dict': {
        const d: Record<string, unknown> = {};
        for (let k = 0; k + 1 < args.length; k += 2) d[str(args[k])] = args[k + 1];
        return d;
      }
      case 'index':
        return walk(args[0], args.slice(1).map(str));
      case 'nindent':
        return '\n' + indentLines(Number(args[0]), str(args[1]));
      case 'indent':
        return indentLines(Number(args[0]), str(args[1]));
      case 'quote':
        return JSON.stringify(str(args[0]));
      case 'b64enc':
        return Buffer.from(str(args[0])).toString('base64');
      case 'required':
        if (!truthy(args[1])) throw new TemplateError('required', str(args[0]));
        return args[1];
      case 'default':
        return truthy(args[1]) ? args[1] : args[0];
      default:
        throw new TemplateError('unknown-name', `unknown function ${name}`);
    }
  }
}

/**
 * Renders every template of `files` (a chart's templates/ folder; they share one set of
 * `define`s, as in Helm) with `data` as both `.` and `$`. Throws TemplateError.
 */
export function renderTemplates(files: Readonly<Record<string, string>>, data: unknown): Record<string, string> {
  const defines = new Map<string, Node[]>();
  const parsed = new Map<string, Node[]>();
  for (const [name, src] of Object.entries(files)) parsed.set(name, parse(src, defines));
  const ev = new Evaluator(defines);
  const out: Record<string, string> = {};
  for (const [name, nodes] of parsed) out[name] = ev.render(nodes, data, data);
  return out;
}
