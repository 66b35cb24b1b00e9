// loadStack: finds and reads the stack file (plus `.env` beside it), interpolates it, checks it
// against the Compose keys and bricks' own, and returns the normalized Stack or every problem.
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkUrlVariables } from './backing.ts';
import { checkAuthIssuers, readBricksStack } from './bricks-keys.ts';
import { checkComposeSchema } from './compose-schema.ts';
import { loadEnvFile } from './env.ts';
import type { EnvContext, ReadText } from './env.ts';
import { STACK_FILE_NAMES, findStackFile } from './find.ts';
import { checkDependencies } from './graph.ts';
import { interpolateTree } from './interpolate.ts';
import type { Lookup } from './interpolate.ts';
import type { BricksStackKeys, LoadResult, NetworkSpec, Problem, Service, Stack, StackCheck, ValueSource, VolumeSpec } from './model.ts';
import { childPath, nodeAt, pathOf, toPlain } from './node.ts';
import type { MapNode } from './node.ts';
import { Problems, sortProblems } from './problems.ts';
import { Reader } from './read.ts';
import { checkReferences } from './references.ts';
import { readService } from './service.ts';
import type { DependencyRef, NameRef, ServiceDraft } from './service.ts';
import { readNetworks, readValueSources, readVolumes } from './top-level.ts';
import { parseYaml } from './yaml-source.ts';

export interface LoadOptions {
  /** The stack file, or a directory to look in; relative to `cwd`. Default: looked for in `cwd`. */
  readonly file?: string;
  /** Default: process.cwd(). */
  readonly cwd?: string;
  /** The interpolation environment. Default: process.env. Wins over the `.env` file. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Checks of the caller's target (the local target's limits), reported with the file's problems. */
  readonly check?: StackCheck;
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
  return parseStack(text, file, options.env ?? process.env, readTextSync, options.check);
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
  check?: StackCheck,
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

  let name = projectName(basename(dir));
  let servicesNode: MapNode | undefined;
  let bricks: BricksStackKeys = {};
  let volumes: Record<string, VolumeSpec> = {};
  let networks: Record<string, NetworkSpec> = {};
  let secrets: Record<string, ValueSource> = {};
  let configs: Record<string, ValueSource> = {};
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
      case 'x-bricks':
        bricks = readBricksStack(reader, e.value, p);
        break;
      case 'volumes':
        volumes = readVolumes(reader, e.value, p);
        break;
      case 'networks':
        networks = readNetworks(reader, e.value, p);
        break;
      case 'secrets':
        secrets = readValueSources(reader, e.value, p, dir, 'secrets');
        break;
      case 'configs':
        configs = readValueSources(reader, e.value, p, dir, 'configs');
        break;
      // Other x-* keys hold anchors; anything else is the schema's to report.
    }
  }
  // COMPOSE_PROJECT_NAME overrides the file's name, as in Compose.
  const envName = lookup('COMPOSE_PROJECT_NAME');
  if (envName !== undefined && envName !== '') name = envName;

  if (servicesNode === undefined) {
    if (!root.entries.some((e) => e.key === 'services')) {
      problems.error('type', root.pos, '', 'the stack file has no "services"; expected services: { <name>: { ... } }');
    }
    return finish(problems, root);
  }
  if (servicesNode.entries.length === 0) {
    problems.error('value', servicesNode.pos, 'services', 'no services are defined');
  }

  const drafts = new Map<string, ServiceDraft>();
  const deps = new Map<string, readonly DependencyRef[]>();
  const refs: NameRef[] = [];
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
    refs.push(...draft.refs);
  }
  for (const [n, d] of drafts) {
    const spec = d.service.bricks.auth;
    const at = spec === undefined ? undefined : nodeAt(servicesNode, [n, 'x-bricks', 'auth']);
    if (spec !== undefined && at !== undefined) checkAuthIssuers(reader, { spec, node: at.node, path: `services.${n}.x-bricks.auth` }, bricks.auth);
  }
  checkUrlVariables(new Map([...drafts].map(([n, d]) => [n, d.service])), (n) => nodeAt(servicesNode, [n, 'x-bricks', 'backing', 'databases'])?.node.pos, problems);
  const checked = checkDependencies(deps, problems);
  checkReferences(refs, { secrets: Object.keys(secrets), configs: Object.keys(configs), volumes: Object.keys(volumes), networks: Object.keys(networks) }, problems);
  if (problems.failed) return finish(problems, root);

  const services: Record<string, Service> = {};
  for (const [n, d] of drafts) services[n] = { ...d.service, dependsOn: checked.get(n) ?? [] };
  const stack: Stack = { name, file, dir, services, volumes, networks, secrets, configs, bricks };
  schemaProblems(root, problems);
  for (const issue of check?.(stack) ?? []) {
    // The key may be implied (replicas from `scale`, or unset): point at the nearest one written.
    let at: ReturnType<typeof nodeAt>;
    for (let n = issue.at.length; n >= 0 && at === undefined; n--) at = nodeAt(root, issue.at.slice(0, n));
    problems.error(issue.code, at?.keyPos ?? at?.node.pos, pathOf(issue.at), issue.message);
  }
  if (problems.failed) return finish(problems); // the schema has had its say above
  return { ok: true, stack, warnings: dedupe(problems.warnings) };
}

/**
 * The Compose schema's findings, except where bricks' own readers already said what is wrong
 * at that key (or around it): theirs name the meaning, the schema's only the shape.
 */
function schemaProblems(root: MapNode, problems: Problems): void {
  const said = problems.errors.map((p) => p.path);
  const covered = (path: string): boolean => said.some((s) => s === '' || path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
  for (const f of checkComposeSchema(root, toPlain(root))) {
    const path = pathOf(f.segments);
    if (!covered(path)) problems.error(f.code, f.pos, path, f.message);
  }
}

/** A failed load: the file's problems, the schema's among them when the tree was read. */
function finish(problems: Problems, root?: MapNode): LoadResult {
  if (root !== undefined && !problems.errors.some((p) => p.code === 'syntax')) schemaProblems(root, problems);
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
