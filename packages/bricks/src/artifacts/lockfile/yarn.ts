// yarn's yarn.lock in both of its formats: yarn 1's own indented text ("# yarn lockfile v1"),
// and yarn 2+'s YAML (with `__metadata`), for a project installed into node_modules
// (`nodeLinker: node-modules`). Each gives every package version's integrity or checksum.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from '../errors.ts';
import type { Lockfile } from '../lockfile.ts';
import { InstalledPackages } from './installed.ts';
import { parseLockfileYaml } from './parse-yaml.ts';
import type { LockIndex } from './installed.ts';

const CLASSIC_HEADER = '# yarn lockfile v1';
/** What yarn 2+ writes in place of node_modules under Plug'n'Play, its default linker. */
const PNP_FILES = ['.pnp.cjs', '.pnp.js'];

export function readYarnLockfile(rootDir: string, path: string, text: string): Lockfile {
  if (text.split('\n', 5).some((line) => line.trim() === CLASSIC_HEADER)) return new InstalledPackages(path, rootDir, yarnClassicIndex(path, text));
  const pnp = PNP_FILES.find((f) => existsSync(join(rootDir, f)));
  if (pnp !== undefined) {
    throw new BuildError(
      'lockfile-invalid',
      `${path}: yarn installs this workspace with Plug'n'Play (${join(rootDir, pnp)}), so there is no node_modules for bricks to bundle from: ` +
        'add "nodeLinker: node-modules" to .yarnrc.yml and run yarn install',
    );
  }
  return new InstalledPackages(path, rootDir, yarnBerryIndex(path, text));
}

/** yarn 1: `"name@range", name@range2:` lines, then indented `version "1.2.3"`, `integrity sha512-…`. */
export function yarnClassicIndex(path: string, text: string): LockIndex {
  const pinned = new Map<string, string>();
  let entry: { names: string[]; version?: string; integrity?: string; resolved?: string } | null = null;
  const flush = (): void => {
    if (entry?.version === undefined) return;
    // Lockfiles older than yarn 1.10 have no integrity; the sha1 after `#` in the URL pins the tarball.
    const hash = entry.integrity ?? (entry.resolved?.includes('#') === true ? `sha1-hex:${entry.resolved.slice(entry.resolved.lastIndexOf('#') + 1)}` : undefined);
    if (hash !== undefined) for (const name of entry.names) pinned.set(`${name}@${entry.version}`, hash);
  };
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      flush();
      if (!trimmed.endsWith(':')) {
        throw new BuildError('lockfile-invalid', `${path}:${i + 1}: expected an entry like "name@^1.0.0:", found ${JSON.stringify(trimmed.slice(0, 80))}; run yarn install to write the lockfile again`);
      }
      entry = { names: [...new Set(trimmed.slice(0, -1).split(',').map((s) => installedName(unquote(s.trim()))))] };
    } else if (indent === 2 && entry !== null) {
      const space = trimmed.indexOf(' ');
      if (space < 0) continue; // `dependencies:` opens a nested map, read by no one here
      const field = unquote(trimmed.slice(0, space));
      const value = unquote(trimmed.slice(space + 1).trim());
      if (field === 'version') entry.version = value;
      else if (field === 'integrity') entry.integrity = value;
      else if (field === 'resolved') entry.resolved = value;
    }
  }
  flush();
  return { integrity: (name, version) => pinned.get(`${name}@${version}`) };
}

/** yarn 2+: YAML entries with `resolution: "name@npm:1.2.3"`, `version`, `checksum`; workspaces are `linkType: soft`. */
export function yarnBerryIndex(path: string, text: string): LockIndex {
  const doc = parseLockfileYaml(path, text, 'yarn install');
  const entries = (doc ?? {}) as Record<string, unknown>;
  const metadata = entries['__metadata'] as { version?: unknown } | undefined;
  if (typeof metadata?.version !== 'number' && typeof metadata?.version !== 'string') {
    throw new BuildError('lockfile-invalid', `${path} is neither yarn 1's format (a "${CLASSIC_HEADER}" line) nor yarn 2+'s (a __metadata entry with its version); run yarn install to write it again`);
  }
  const pinned = new Map<string, string>();
  for (const [key, value] of Object.entries(entries)) {
    if (key === '__metadata') continue;
    const e = (value ?? {}) as { resolution?: unknown; version?: unknown; checksum?: unknown; linkType?: unknown };
    if (e.linkType === 'soft' || typeof e.resolution !== 'string' || typeof e.version !== 'string' || typeof e.checksum !== 'string') continue;
    const at = e.resolution.indexOf('@', 1);
    if (at < 0) continue;
    const id = `${e.resolution.slice(0, at)}@${e.version}`;
    // A patched package (`patch:` protocol) is what gets installed in place of the plain one.
    if (!pinned.has(id) || e.resolution.slice(at + 1).startsWith('patch:')) pinned.set(id, e.checksum);
  }
  return { integrity: (name, version) => pinned.get(`${name}@${version}`) };
}

/** The name a specifier installs under: `@s/x@^1` → `@s/x`; an alias `x@npm:y@^1` installs y's package.json. */
function installedName(spec: string): string {
  const at = spec.indexOf('@', 1);
  if (at < 0) return spec;
  const range = spec.slice(at + 1);
  if (range.startsWith('npm:')) {
    const target = range.slice('npm:'.length);
    const end = target.indexOf('@', 1);
    if (end > 0) return target.slice(0, end);
  }
  return spec.slice(0, at);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? (JSON.parse(s) as string) : s;
}
