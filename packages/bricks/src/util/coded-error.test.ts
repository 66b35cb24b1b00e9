// One error base for the whole package: every error class in packages/bricks extends CodedError,
// and every exported one has a `from` that passes its own through and wraps anything else.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodedError, messageOf } from './coded-error.ts';
import { packagePath } from './package-root.ts';

const BUILTIN_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);

interface ClassDecl {
  readonly name: string;
  readonly base: string;
  readonly file: string;
  readonly exported: boolean;
}

/** Every `class X extends Y` in the package's sources, tests aside (they may throw what they like). */
function classes(): ClassDecl[] {
  const root = packagePath();
  const out: ClassDecl[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) && !entry.name.endsWith('.case.ts')) {
        // Comments out first: they quote declarations (this package's base file does).
        const src = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
        for (const m of src.matchAll(/(export\s+)?(?:abstract\s+)?class\s+(\w+)(?:<[^>{]*>)?\s+extends\s+([\w.]+)/g)) {
          out.push({ name: m[2]!, base: m[3]!, file: relative(root, path), exported: m[1] !== undefined });
        }
      }
    }
  };
  for (const dir of ['src', 'bin']) walk(join(root, dir));
  return out;
}

/** The classes whose chain of bases ends in a built-in error, each with that chain. */
function errorClasses(all: readonly ClassDecl[]): { decl: ClassDecl; chain: string[] }[] {
  const byName = new Map(all.map((c) => [c.name, c]));
  const out: { decl: ClassDecl; chain: string[] }[] = [];
  for (const decl of all) {
    const chain = [decl.name];
    for (let base = decl.base; ; ) {
      chain.push(base);
      const next = byName.get(base);
      if (next === undefined || chain.length > 10) break;
      base = next.base;
    }
    if (BUILTIN_ERRORS.has(chain[chain.length - 1]!)) out.push({ decl, chain });
  }
  return out;
}

describe('error classes of packages/bricks', () => {
  const found = errorClasses(classes());

  it('are found by the scan', () => {
    for (const name of ['CodedError', 'ProxyError', 'BuildError', 'StackError', 'TemplateError', 'Failure']) {
      assert.ok(found.some((f) => f.decl.name === name), `${name} not found: the scan is broken`);
    }
  });

  it('all extend CodedError (util/coded-error.ts): closed codes, cause kept', () => {
    const stray = found.filter((f) => f.decl.name !== 'CodedError' && !f.chain.includes('CodedError'));
    assert.deepEqual(
      stray.map((f) => `${f.decl.file}: ${f.chain.join(' extends ')}`),
      [],
      'give these a code union and extend CodedError<Code>, with a static from(err, code)',
    );
  });

  it('each exported one has a from() that passes its own through and wraps anything else as its cause', async () => {
    const exported = found.filter((f) => f.decl.exported && f.decl.name !== 'CodedError');
    assert.ok(exported.length >= 12, `only ${exported.length} found`);
    for (const { decl } of exported) {
      const module = (await import(pathToFileURL(join(packagePath(), decl.file)).href)) as Record<string, unknown>;
      const type = module[decl.name] as { from?: (err: unknown) => unknown } & (abstract new (...args: never[]) => CodedError<string>);
      assert.ok(Object.hasOwn(type, 'from'), `${decl.name} has no static from()`);
      const cause = new Error('the disk is full');
      const wrapped = type.from!(cause) as CodedError<string>;
      assert.ok(wrapped instanceof type && wrapped instanceof CodedError, `${decl.name}.from() made no ${decl.name}`);
      assert.equal(wrapped.cause, cause, decl.name);
      assert.match(wrapped.message, /the disk is full/, decl.name);
      assert.equal(typeof wrapped.code, 'string', decl.name);
      assert.equal(type.from!(wrapped), wrapped, `${decl.name}.from() wraps its own`);
      assert.match((type.from!('a string') as Error).message, /a string/, decl.name);
    }
  });
});

describe('CodedError', () => {
  class SampleError extends CodedError<'one' | 'two'> {
    static from(err: unknown, code: 'one' | 'two' = 'one'): SampleError {
      return SampleError.wrap(err, code);
    }
  }

  it('keeps a cause only when there is one', () => {
    assert.ok(!('cause' in new SampleError('one', 'm')));
    assert.ok(!('cause' in new SampleError('one', 'm', { cause: undefined })));
    assert.equal(new SampleError('two', 'm', { cause: 0 }).cause, 0);
  });

  it('wraps with the code given, else the default', () => {
    assert.equal(SampleError.from(new Error('x'), 'two').code, 'two');
    assert.equal(SampleError.from(new Error('x')).code, 'one');
    assert.equal(messageOf(42), '42');
  });
});
