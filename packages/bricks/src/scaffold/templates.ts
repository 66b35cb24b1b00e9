// The projects `bricks init` can start, each a folder of real files under the package's
// templates/ (type-checked and tested in the repository like any code), and how one is read:
// dotfiles are kept without their dot (npm leaves a `.gitignore` out of a tarball, and a dotfile
// in the repository would configure the repository), and `{{name}}` and `{{bricks}}` are filled
// in (see render.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../util/package-root.ts';
import { ScaffoldError } from './errors.ts';

export interface Template {
  readonly name: string;
  /** What the project holds, in a few words: for `bricks init --help` and the created message. */
  readonly summary: string;
}

export const TEMPLATES: readonly Template[] = [
  { name: 'sdk', summary: 'one @bricks/sdk service (greeter) from a protobuf contract, with its generated code and a test' },
  { name: 'http', summary: 'one plain HTTP service (web, node:http) and a test' },
];
export const DEFAULT_TEMPLATE = 'sdk';

/** A template's file: its path in the new project (posix, relative) and its text before rendering. */
export interface TemplateFile {
  readonly path: string;
  readonly text: string;
}

/** Template files written as dotfiles. */
const DOTFILES = new Set(['gitignore', 'yarnrc.yml']);

export function findTemplate(name: string): Template {
  const found = TEMPLATES.find((t) => t.name === name);
  if (found === undefined) {
    throw new ScaffoldError('unknown-template', `there is no template "${name}"; --template takes ${TEMPLATES.map((t) => `${t.name} (${t.summary})`).join(', or ')}`);
  }
  return found;
}

/** Every file of the template, in path order. */
export function readTemplate(template: Template, root = packagePath('templates')): TemplateFile[] {
  const out: TemplateFile[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // What running or installing the template inside the repository leaves there is not part of it.
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else out.push({ path: DOTFILES.has(path) ? `.${path}` : path, text: readFileSync(join(dir, entry.name), 'utf8') });
    }
  };
  try {
    walk(join(root, template.name), '');
  } catch (err) {
    throw new ScaffoldError('io', `cannot read the ${template.name} template in ${root}: this bricks install is damaged; install it again`, { cause: err });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
