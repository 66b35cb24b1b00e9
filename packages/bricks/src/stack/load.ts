// loadStack: finds and reads the stack file (plus `.env` beside it), interpolates it, checks it
// against the Compose keys and bricks' own, and returns the normalized Stack or every problem.
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BRICKS_TOP_KEYS, TOP_LEVEL_KEYS } from './known-keys.ts';
import { loadEnvFile } from './env.ts';
import type { EnvContext, ReadText } from './env.ts';
import { STACK_FILE_NAMES, findStackFile } from './find.ts';
import { checkDependencies } from './graph.ts';
import { interpolateTree } from './interpolate.ts';
import type { Lookup } from './interpolate.ts';
import type { LoadResult, Problem, Service, Stack } from './model.ts';
import { childPath, describe, toPlain } from './node.ts';
import type { MapNode } from './node.ts';
import { Problems, sortProblems } from './problems.ts';
import { Reader } from './read.ts';
import { readService } from './service.ts';
import type { DependencyRef, ServiceDraft } from './service.ts';
import { parseYaml } from './yaml-source.ts';

export interface LoadOptions {
  /** The stack file, or a directory to look in; relative to `cwd`. Default: looked for in `cwd`. */
  readonly file?: string;
  /** Default: process.cwd(). */
  readonly cwd?: string;
  /** The interpolation environment. Default: process.env. Wins over the `.env` file. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Compose's rule for project names, which bricks also applies to service names (they become DNS names). */
const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export async function loadStack(options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const located = locate(cwd, options.file);
  if (typeof located !== 'string') return { ok: false, problems: [located], warnings: [] };
  const file = located;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, problems: [problemAt(file, `cannot read the stack file: ${why}`)], warnings: [] };
  }
  return parseStack(text, file, options.env ?? process.env, readTextSync);
}

function problemAt(file: string, message: string): Problem {
  return { code: 'missing-file', file, line: 0, col: 0, path: '', message };
}

function locate(cwd: string, file: string | undefined): string | Problem {
  const looked = STACK_FILE_NAMES.join(', ');
  if (file === undefined) {
    return findStackFile(cwd) ?? problemAt(cwd, `no stack file found in ${cwd}; looked for ${looked}`);
  }
  const path = resolve(cwd, file);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return problemAt(path, 'stack file not found');
  }
  if (!isDir) return path;
  return findStackFile(path) ?? problemAt(path, `no stack file found in ${path}; looked for ${looked}`);
}

function readTextSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The whole pipeline on text already read: exported for tests and for callers that hold the
 * text themselves. `readText` reads env files (`.env`, `env_file`).
 */
export function parseStack(
  text: string,
  file: string,
  processEnv: Readonly<Record<string, string | undefined>>,
  readText: ReadText,
): LoadResult {
  const dir = dirname(file);
  const problems = new Problems(file);
  const reader = new Reader(problems);

  // `.env` beside the stack file feeds interpolation; the process environment wins over it.
  const dotenvFile = join(dir, '.env');
  const dotenv = loadEnvFile({ reader, dir, lookup: (n) => processEnv[n], readText }, dotenvFile) ?? new Map<string, string>();
  const lookup: Lookup = (n) => processEnv[n] ?? dotenv.get(n);
  const ctx: EnvContext = { reader, dir, lookup, readText };

  const parsed = parseYaml(text, problems);
  if (problems.failed) return finish(problems);
  if (parsed === null) {
    problems.error('type', { line: 1, col: 1 }, '', 'the stack file is empty; expected a map with a "services" key');
    return finish(problems);
  }
  const raw = reader.map(parsed, '', 'a map with a "services" key');
  if (raw === undefined) return finish(problems);
  const root = interpolateTree(raw, lookup, problems) as MapNode;

  reader.keys(root, '', TOP_LEVEL_KEYS, 'the top level');
  let name = projectName(basename(dir));
  let servicesNode: MapNode | undefined;
  const compose: Record<string, unknown> = {};
  for (const e of root.entries) {
    const p = e.key;
    switch (e.key) {
      case 'version':
        problems.warn('unsupported', e.keyPos, p, '"version" is obsolete in the Compose Specification and is ignored');
        break;
      case 'include':
        problems.error('unsupported', e.keyPos, p, 'include is not supported by bricks yet; put all services in one file');
        break;
      case 'name': {
        const n = reader.string(e.value, p, 'a project name');
        if (n === undefined) break;
        if (NAME.test(n)) name = n;
        else problems.error('value', e.value.pos, p, `project name ${JSON.stringify(n)} must be lowercase letters, digits, "_" or "-", starting with a letter or digit`);
        break;
      }
      case 'services':
        servicesNode = reader.map(e.value, p, 'a map of service name to service settings');
        break;
      case 'x-bricks': {
        const m = reader.map(e.value, p, 'a map of bricks settings');
        if (m === undefined) break;
        reader.keys(m, p, BRICKS_TOP_KEYS, 'the top-level x-bricks', true);
        for (const f of m.entries) if (f.key === 'base_port') reader.int(f.value, childPath(p, f.key), 1, 65535);
        compose[e.key] = toPlain(e.value);
        break;
      }
      default:
        if (e.key === 'networks' || e.key === 'volumes' || e.key === 'secrets' || e.key === 'configs') {
          if (!(e.value.kind === 'map' || (e.value.kind === 'scalar' && e.value.value === null))) {
            problems.error('type', e.value.pos, p, `expected a map, got ${describe(e.value)}`);
          }
        }
        compose[e.key] = toPlain(e.value);
    }
  }
  // COMPOSE_PROJECT_NAME overrides the file's name, as in Compose.
  const envName = lookup('COMPOSE_PROJECT_NAME');
  if (envName !== undefined && envName !== '') name = envName;

  if (servicesNode === undefined) {
    if (!root.entries.some((e) => e.key === 'services')) {
      problems.error('type', root.pos, '', 'the stack file has no "services"; expected services: { <name>: { ... } }');
    }
    return finish(problems);
  }
  if (servicesNode.entries.length === 0) {
    problems.error('value', servicesNode.pos, 'services', 'no services are defined');
  }

  const drafts = new Map<string, ServiceDraft>();
  const deps = new Map<string, readonly DependencyRef[]>();
  for (const e of servicesNode.entries) {
    const p = childPath('services', e.key);
    if (!NAME.test(e.key)) {
      problems.error('value', e.keyPos, p, `service name ${JSON.stringify(e.key)} must be lowercase letters, digits, "_" or "-", starting with a letter or digit (it becomes a DNS name)`);
    } else if (/^\d+$/.test(e.key)) {
      // Kubernetes service names must start with a letter, and JavaScript objects would list
      // an all-digit key before the others, losing file order.
      problems.error('value', e.keyPos, p, `service name ${JSON.stringify(e.key)} needs at least one letter`);
    }
    const draft = readService(ctx, e.key, e.value, p);
    if (draft === undefined) continue;
    drafts.set(e.key, draft);
    deps.set(e.key, draft.deps);
  }
  const checked = checkDependencies(deps, problems);
  if (problems.failed) return finish(problems);

  const services: Record<string, Service> = {};
  for (const [n, d] of drafts) services[n] = { ...d.service, dependsOn: checked.get(n) ?? [] };
  const stack: Stack = { name, file, dir, services, compose };
  return { ok: true, stack, warnings: dedupe(problems.warnings) };
}

function finish(problems: Problems): LoadResult {
  return { ok: false, problems: dedupe(problems.errors), warnings: dedupe(problems.warnings) };
}

/** A node reached through several aliases is checked once per alias; say each thing once. */
function dedupe(list: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return sortProblems(list).filter((p) => {
    const k = `${p.file}\0${p.line}\0${p.col}\0${p.code}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A directory name made into a valid project name, as Compose normalizes it. */
function projectName(dirName: string): string {
  const n = dirName.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return n.replace(/^[_-]+/, '') || 'default';
}
