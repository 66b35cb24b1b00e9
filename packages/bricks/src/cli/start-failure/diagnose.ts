// What a service's output says about why it did not start, for the stumbles a new project meets:
// a module-format mismatch (CommonJS where an ES module is needed, TypeScript without a loader),
// generated code that was never generated, a package that is not installed. Each answer says what
// to do next in this project's terms: its files, its package manager. Read from the replica's
// output (Node's and tsx's errors) or from a build's error (esbuild's), whichever failed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageManagerOf, workspaceRoot } from '../../artifacts/index.ts';
import type { PackageManager } from '../../artifacts/index.ts';
import { packageNameOf } from '../../artifacts/externals.ts';

export type StartFailureKind = 'module-format' | 'typescript-without-loader' | 'missing-generated' | 'missing-dependency';

export interface StartFailureHint {
  readonly kind: StartFailureKind;
  /** What to do next, in a sentence or two. */
  readonly advice: string;
}

/** A file a message names, with its position: `/p/src/main.ts:6:0: ERROR: …`, `file:///p/a.js:1`. */
const FILE_AT = /(?:file:\/\/)?(\/[^\s:'"()]+\.[cm]?[jt]sx?):\d+/;
const COMMONJS_ONLY = [/Top-level await is currently not supported with the "cjs" output format/, /Cannot use import statement outside a module/, /ERR_REQUIRE_ASYNC_MODULE/];
const REQUIRE_IN_ESM = /(require|exports|module|__dirname|__filename) is not defined in ES module scope/;
const REQUIRE_OF_ESM = /ERR_REQUIRE_ESM|require\(\) of ES Module/;
const UNKNOWN_TS = /Unknown file extension "\.([cm]?tsx?)" for (\S+)/;
const MODULE_NOT_FOUND = /Cannot find module '([^']+)'(?: imported from (\S+))?/;
const PACKAGE_NOT_FOUND = /Cannot find package '([^']+)' imported from (\S+)/;
const UNRESOLVED = /(?:(\/\S+?):\d+:\d+: )?Could not resolve "([^"]+)"/;
const GENERATED = /_pb\.[cm]?[jt]s$|(?:^|\/)gen\//;

/** The advice the lines give, one per cause; none when they show none of the known causes. */
export function diagnose(lines: readonly string[], projectDir: string): StartFailureHint[] {
  const shown = (path: string): string => (path.startsWith('/') ? relative(projectDir, path) || path : path);
  const format = formatAdvice(lines, shown);
  if (format !== null) return [format];
  const hints: StartFailureHint[] = [];
  // A build names every import it could not resolve: each missing thing gets its advice, once.
  for (const line of lines) {
    const missing = missingModule(line);
    const hint = missing === null ? null : missingAdvice(missing, projectDir, shown);
    if (hint !== null && !hints.some((h) => h.advice === hint.advice)) hints.push(hint);
  }
  return hints;
}

/** A module-format mismatch: one cause however many lines show it. */
function formatAdvice(lines: readonly string[], shown: (path: string) => string): StartFailureHint | null {
  const text = lines.join('\n');
  if (COMMONJS_ONLY.some((re) => re.test(text))) {
    const file = projectFile(lines.filter((l) => COMMONJS_ONLY.some((re) => re.test(l)))) ?? projectFile(lines);
    const manifest = file === undefined ? undefined : nearestManifest(dirname(file));
    const where = manifest === undefined ? 'its package.json' : shown(manifest.path);
    const what = file === undefined ? 'the service' : shown(file);
    if (manifest !== undefined && manifest.json.type === 'module') {
      return { kind: 'module-format', advice: `${what} is loaded as CommonJS though ${where} says "type": "module": name it .ts or .mts rather than .cts or .cjs, so top-level await and \`import\` work` };
    }
    return { kind: 'module-format', advice: `${where} has no "type": "module", so ${what} is loaded as CommonJS, where top-level await and \`import\` fail: add "type": "module" to ${where} (as \`bricks init\` writes it)` };
  }
  const requireInEsm = REQUIRE_IN_ESM.exec(text);
  if (requireInEsm !== null) {
    const file = projectFile(lines);
    return { kind: 'module-format', advice: `${file === undefined ? 'the service' : shown(file)} uses ${requireInEsm[1]} in an ES module: use \`import\` instead, or rename the file to .cjs` };
  }
  if (REQUIRE_OF_ESM.test(text)) {
    return { kind: 'module-format', advice: 'the service is CommonJS and require()s an ES module: make it an ES module ("type": "module" in its package.json) and `import` the package' };
  }
  const ts = UNKNOWN_TS.exec(text);
  if (ts === null) return null;
  const file = ts[2] ?? '';
  const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
  if (inPackage !== undefined) {
    return {
      kind: 'typescript-without-loader',
      advice: `${inPackage} ships TypeScript sources (${shown(file)}) that plain node cannot load: install a release of it built to JavaScript (@bricks/sdk 0.1.0 and later are), or run the service through tsx (\`node --import tsx ...\`)`,
    };
  }
  return {
    kind: 'typescript-without-loader',
    advice: `node ran ${shown(file)} without a TypeScript loader: start it with \`node --import tsx ${shown(file)}\` (tsx as a dev dependency), as \`bricks init\`'s bricks.yaml does; in a git work tree with a commit, \`bricks up\` bundles it and runs plain node`,
  };
}

function missingAdvice(missing: MissingModule, projectDir: string, shown: (path: string) => string): StartFailureHint | null {
  if (GENERATED.test(missing.specifier)) {
    return {
      kind: 'missing-generated',
      advice: `${shown(missing.resolved ?? missing.specifier)} is generated code that is not there: run \`bricks gen\` in ${projectDir} (it writes gen/ from proto/), and commit what it writes`,
    };
  }
  const name = packageNameOf(missing.specifier);
  if (name === null) return null;
  const from = missing.from === undefined ? projectDir : dirname(missing.from);
  const root = workspaceRoot(from);
  const manager = packageManagerOf(root);
  const declared = nearestManifest(from);
  const listed = declared !== undefined && DEPENDENCY_FIELDS.some((f) => (declared.json[f] as Record<string, unknown> | undefined)?.[name] !== undefined);
  return {
    kind: 'missing-dependency',
    advice: listed
      ? `${name} is in ${shown(declared.path)} but not installed: run \`${INSTALL[manager]}\` in ${root}`
      : `the package ${name} is not installed: add it with \`${ADD[manager]} ${name}\` in ${declared === undefined ? projectDir : dirname(declared.path)}`,
  };
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const INSTALL: Record<PackageManager, string> = { npm: 'npm install', pnpm: 'pnpm install', yarn: 'yarn install' };
const ADD: Record<PackageManager, string> = { npm: 'npm install', pnpm: 'pnpm add', yarn: 'yarn add' };

interface MissingModule {
  readonly specifier: string;
  /** Where node looked for it, when it says (a relative import's absolute path). */
  readonly resolved?: string;
  /** The file that imports it. */
  readonly from?: string;
}

function missingModule(text: string): MissingModule | null {
  const pkg = PACKAGE_NOT_FOUND.exec(text);
  if (pkg?.[1] !== undefined) return { specifier: pkg[1], ...(pkg[2] === undefined ? {} : { from: pkg[2] }) };
  const mod = MODULE_NOT_FOUND.exec(text);
  if (mod?.[1] !== undefined) {
    return { specifier: mod[1], ...(mod[1].startsWith('/') ? { resolved: mod[1] } : {}), ...(mod[2] === undefined ? {} : { from: mod[2] }) };
  }
  const unresolved = UNRESOLVED.exec(text);
  if (unresolved?.[2] !== undefined) {
    const from = unresolved[1];
    const specifier = unresolved[2];
    const resolved = from !== undefined && specifier.startsWith('.') ? join(dirname(from), specifier) : undefined;
    return { specifier, ...(resolved === undefined ? {} : { resolved }), ...(from === undefined ? {} : { from }) };
  }
  return null;
}

/** The first of the project's own files the lines name (not node's, not an installed package's). */
function projectFile(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const file = FILE_AT.exec(line)?.[1];
    if (file !== undefined && !file.includes('/node_modules/')) return file;
  }
  return undefined;
}

function nearestManifest(from: string): { readonly path: string; readonly json: Record<string, unknown> } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (!dir.split('/').includes('node_modules') && existsSync(path)) {
      try {
        return { path, json: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
