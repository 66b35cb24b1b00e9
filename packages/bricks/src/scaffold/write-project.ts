// Writing a new project's files into its folder. A folder that holds anything (but a fresh .git)
// is refused unless forced; forced, what is there stays, and .gitignore gets just the lines it lacks.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ScaffoldError } from './errors.ts';

export interface ProjectFile {
  readonly path: string;
  readonly text: string;
}

export interface WriteReport {
  readonly written: readonly string[];
  /** Files that were there already and were left as they were (with --force). */
  readonly kept: readonly string[];
  /** Files that were there and got lines added (.gitignore). */
  readonly extended: readonly string[];
}

/** Folders a project may already have before it is scaffolded: `git init` first is common. */
const ALLOWED_BEFORE = new Set(['.git']);
const MERGED = '.gitignore';

export function writeProject(dir: string, files: readonly ProjectFile[], force: boolean): WriteReport {
  const present = existsSync(dir) ? readdirSync(dir).filter((name) => !ALLOWED_BEFORE.has(name)) : [];
  if (present.length > 0 && !force) {
    const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? ', …' : '');
    throw new ScaffoldError(
      'not-empty',
      `${dir} is not empty (${shown}): name a new or empty folder (bricks init my-app), or add --force to write the project beside what is there (files that exist are kept)`,
    );
  }
  const written: string[] = [];
  const kept: string[] = [];
  const extended: string[] = [];
  try {
    for (const file of files) {
      const path = join(dir, file.path);
      if (!existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.text);
        written.push(file.path);
      } else if (file.path === MERGED) {
        const text = readFileSync(path, 'utf8');
        const have = new Set(text.split('\n').map((l) => l.trim()));
        const lacking = file.text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !have.has(l.trim()));
        if (lacking.length > 0) {
          appendFileSync(path, `${text.endsWith('\n') || text === '' ? '' : '\n'}${lacking.join('\n')}\n`);
          extended.push(file.path);
        } else {
          kept.push(file.path);
        }
      } else {
        kept.push(file.path);
      }
    }
  } catch (err) {
    throw new ScaffoldError('io', `writing the project into ${dir} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { written, kept, extended };
}
