// Runs `buf generate` for a plan into a scratch folder, then puts the output in place: a file
// whose text did not change is left alone (its mtime too, so builds and `bricks dev` see no
// change), and with `clean` a file under an out folder that no proto produces any more goes.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { CodegenError } from './errors.ts';
import { conventionTemplate, DESCRIPTOR_SET_FILE, GEN_DIR } from './plan.ts';
import type { GenPlan } from './plan.ts';
import type { Tools } from './tools.ts';

/** buf's exit status when it reports problems in the protos (its "file annotations"). */
const BUF_EXIT_ANNOTATIONS = 100;

export interface GenReport {
  /** Absolute paths, sorted. */
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

/** What buf produces for the plan, by absolute destination path; nothing in the project is touched. */
export async function render(plan: GenPlan, tools: Tools): Promise<Map<string, Buffer>> {
  const scratch = await mkdtemp(join(tmpdir(), 'bricks-gen-'));
  try {
    await runBuf(plan, tools, scratch);
    const set = descriptorSetOf(plan);
    if (set !== null) await runBufBuild(plan, tools, join(scratch, set));
    const out = new Map<string, Buffer>();
    for (const rel of await filesUnder(scratch)) out.set(destinationOf(plan, rel), await readFile(join(scratch, rel)));
    return out;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Renders, then writes what changed (and with `clean` removes what is stale). */
export async function generate(plan: GenPlan, tools: Tools): Promise<GenReport> {
  const files = await render(plan, tools);
  const written: string[] = [];
  const unchanged: string[] = [];
  try {
    for (const [path, text] of files) {
      if ((await readFile(path).catch(() => null))?.equals(text) === true) {
        unchanged.push(path);
        continue;
      }
      // Not durable: generated code is made again by running bricks gen; only all-or-nothing matters.
      await writeFileAtomic(path, text, 0o644, { durable: false });
      written.push(path);
    }
    const removed = plan.clean ? await removeStale(plan, files) : [];
    return { written: written.sort(), unchanged: unchanged.sort(), removed };
  } catch (err) {
    throw new CodegenError('failed', `writing the generated code failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function runBuf(plan: GenPlan, tools: Tools, scratch: string): Promise<void> {
  const template = plan.templateFile ?? conventionTemplate(tools.protocGenEs.bin);
  return spawnBuf(plan, tools, ['generate', ...(plan.input === null ? [] : [plan.input]), '--template', template, '--output', scratch], 'buf generate');
}

/** Runs buf in the project with `args`; `what` names the command in the error when it fails. */
export function spawnBuf(plan: GenPlan, tools: Tools, args: readonly string[], what: string): Promise<void> {
  // A template may name plugins by command (`local: protoc-gen-es`, v1's `plugin: es`): they
  // are found where `npm run` finds a project's tools, protoc-gen-es' own folder first.
  const path = [dirname(tools.protocGenEs.bin), ...binDirsAbove(plan.dir), process.env.PATH ?? ''].join(delimiter);
  return new Promise((resolve, reject) => {
    const child = spawn(tools.buf.bin, args, { cwd: plan.dir, env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] });
    // buf prints its problems on stderr, a plugin may print on either: both are what buf said.
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new CodegenError('failed', `cannot run ${tools.buf.bin}: ${err.message}; reinstall ${tools.buf.pkg}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const said = output.trim();
      if (code === BUF_EXIT_ANNOTATIONS) {
        const where = plan.input !== null ? join(plan.dir, plan.input) : (plan.templateFile ?? join(plan.dir, 'buf.yaml'));
        return reject(new CodegenError('proto-invalid', `buf found problems in the protos (${where}); nothing was written:\n${said}`));
      }
      const how = signal === null ? `exited with ${code}` : `was killed by ${signal}`;
      reject(new CodegenError('failed', `${what} (buf ${tools.buf.version}, protoc-gen-es ${tools.protocGenEs.version}) ${how}; nothing was written${said === '' ? '' : `:\n${said}`}`));
    });
  });
}

/**
 * Where bricks' convention puts the protos' FileDescriptorSet (with their imports), which a
 * gateway serves (x-bricks.gateway.descriptors): only for protos that use google.api.http rules,
 * and only by the convention (a project's own template decides its outputs itself).
 */
export function descriptorSetOf(plan: GenPlan): string | null {
  if (plan.templateFile !== null || plan.input === null) return null;
  return usesHttpRules(join(plan.dir, plan.input)) ? join(GEN_DIR, DESCRIPTOR_SET_FILE) : null;
}

function usesHttpRules(dir: string): boolean {
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  return entries.some((e) => e.isFile() && e.name.endsWith('.proto') && /^\s*import\s+(public\s+)?"google\/api\/annotations\.proto"\s*;/m.test(readFileSync(join(e.parentPath, e.name), 'utf8')));
}

function runBufBuild(plan: GenPlan, tools: Tools, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    mkdirSync(dirname(out), { recursive: true });
    const child = spawn(tools.buf.bin, ['build', plan.input ?? '.', '-o', out], { cwd: plan.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new CodegenError('failed', `cannot run ${tools.buf.bin}: ${err.message}; reinstall ${tools.buf.pkg}`, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new CodegenError('failed', `buf build (buf ${tools.buf.version}) of the descriptor set exited with ${code}; nothing was written:\n${output.trim()}`));
    });
  });
}

function binDirsAbove(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    out.push(join(d, 'node_modules', '.bin'));
    if (dirname(d) === d) return out;
  }
}

/**
 * Where a file buf wrote under `--output scratch` belongs: buf prepends the scratch folder to
 * every plugin's out, a relative out (from the project) and an absolute one alike.
 */
function destinationOf(plan: GenPlan, rel: string): string {
  const absolute = plan.outs.find((o) => isAbsolute(o) && rel.startsWith(`${o.slice(1)}${sep}`));
  return absolute !== undefined ? `${sep}${rel}` : join(plan.dir, rel);
}

async function removeStale(plan: GenPlan, produced: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const removed: string[] = [];
  for (const out of plan.outs) {
    const root = isAbsolute(out) ? out : join(plan.dir, out);
    // Only a folder of its own inside the project: an out of `.` (or one holding the protos)
    // with clean would otherwise take the project's sources with it.
    const inside = relative(plan.dir, root);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || (plan.input !== null && !relative(root, join(plan.dir, plan.input)).startsWith('..'))) continue;
    for (const rel of await filesUnder(root)) {
      const path = join(root, rel);
      if (produced.has(path)) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
    await pruneEmptyDirs(root, root);
  }
  return removed.sort();
}

/** Files under `dir`, relative to it; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

async function pruneEmptyDirs(dir: string, keep: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (entries === null) return false;
  let empty = true;
  for (const e of entries) {
    if (!e.isDirectory() || !(await pruneEmptyDirs(join(dir, e.name), keep))) empty = false;
  }
  if (empty && dir !== keep) await rmdir(dir);
  return empty;
}
