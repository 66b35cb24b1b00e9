// Inputs of a service bricks cannot bundle (any other language): the files git tracks in its
// working_dir, plus untracked files git does not ignore, so a new file counts before `git add`;
// never bricks' own `.bricks/` state, which the platform rewrites while the service runs.
import { execFile } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { OMIT_STATE_DIRS } from '../util/state-dir.ts';
import { BuildError } from './errors.ts';

const run = promisify(execFile);

/** Paths relative to rootDir, sorted. */
export async function inPlaceInputs(service: string, workingDir: string, rootDir: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.', OMIT_STATE_DIRS], {
      cwd: workingDir,
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (err) {
    throw new BuildError('not-git', `${service}: cannot list the files of ${workingDir} with git (is it inside a git work tree?)`, {
      cause: err,
      service,
    });
  }
  // Without --full-name, git prints paths relative to the working_dir it ran in.
  const files = new Set(stdout.split('\0').filter((p) => p !== ''));
  return [...files].map((p) => relative(rootDir, join(workingDir, p)).split(sep).join('/')).sort();
}
