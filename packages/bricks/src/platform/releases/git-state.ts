// The version of the work tree: HEAD's SHA, whether anything is uncommitted (untracked files
// count), and a hash of exactly those changes so two dirty deploys of one SHA differ. bricks' own
// state (`.bricks/`) is never part of it, ignored or not: the platform writes there all the time.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OMIT_STATE_DIRS } from '../../util/state-dir.ts';
import { ReleaseError } from './errors.ts';

const run = promisify(execFile);
/** Diffs of big generated files must fit; 256 MiB is far beyond any source change. */
const MAX_BUFFER = 256 * 1024 * 1024;
/** What every look at changes covers: the whole tree (from its root) but bricks' state folders. */
const TREE = ['--', ':/', OMIT_STATE_DIRS];

export interface GitState {
  readonly sha: string;
  readonly dirty: boolean;
  /** sha256 over the diff against HEAD plus every untracked, non-ignored file (`.bricks/` left out); absent when clean. */
  readonly dirtyHash?: string;
}

/**
 * The work tree `dir` is in and its HEAD, without looking at changes (`git status` can take a
 * while in a large tree): whether releases are possible at all. `not-git` or `no-commit` if not.
 */
export async function gitHead(dir: string): Promise<{ readonly root: string; readonly sha: string }> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']).catch((err: unknown) => {
    throw new ReleaseError('not-git', `${dir} is not inside a git work tree`, { cause: err });
  });
  const root = top.trim();
  const sha = (
    await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).catch((err: unknown) => {
      throw new ReleaseError('no-commit', `the git repository at ${root} has no commit yet; commit before releasing`, { cause: err });
    })
  ).trim();
  return { root, sha };
}

export async function gitState(dir: string): Promise<GitState> {
  const { root, sha } = await gitHead(dir);
  const status = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', ...TREE]);
  if (status === '') return { sha, dirty: false };

  const hash = createHash('sha256');
  // --binary: binary changes count by content too; no external diff or textconv: the bytes, not a rendering.
  hash.update(await git(root, ['diff', 'HEAD', '--binary', '--no-ext-diff', '--no-textconv', '--no-color', '--full-index', ...TREE]));
  const untracked = (await git(root, ['ls-files', '-z', '--others', '--exclude-standard', ...TREE])).split('\0').filter((p) => p !== '').sort();
  for (const path of untracked) {
    hash.update(`\0untracked\0${path}\0`);
    try {
      hash.update(await readFile(join(root, path)));
    } catch {
      // Gone between listing and reading (or a dangling symlink): its name still counts.
    }
  }
  return { sha, dirty: true, dirtyHash: hash.digest('hex') };
}

export type IgnoreVerdict = 'ignored' | 'not-ignored' | 'not-a-work-tree';

/**
 * Whether the work tree's ignore rules name `path` (relative to `dir`; tracked or not), so a
 * tool can suggest the .gitignore line.
 */
export async function gitIgnores(dir: string, path: string): Promise<IgnoreVerdict> {
  try {
    await run('git', ['check-ignore', '--quiet', '--no-index', '--', path], { cwd: dir });
    return 'ignored';
  } catch (err) {
    // git check-ignore exits 1 for "not ignored" and 128 outside a work tree (or when it fails).
    return (err as { code?: unknown }).code === 1 ? 'not-ignored' : 'not-a-work-tree';
  }
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    throw new ReleaseError('git-failed', `git ${args.join(' ')} failed in ${cwd}`, { cause: err });
  }
}
