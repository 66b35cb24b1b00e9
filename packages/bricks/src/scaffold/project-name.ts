// The new project's name: package.json's, and the README's title. Given with --name, else made
// from the folder's name as npm init does (lower case, other characters made `-`).
import { basename } from 'node:path';
import { ScaffoldError } from './errors.ts';

/** npm's rule for a package name (validate-npm-package-name, new packages): lower case, URL-safe, at most 214 characters. */
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const MAX_LENGTH = 214;

export function projectNameFor(dir: string, given?: string): string {
  const name = given ?? fromFolder(basename(dir));
  if (name.length > 0 && name.length <= MAX_LENGTH && NPM_NAME.test(name)) return name;
  const what = given === undefined ? `the folder name "${basename(dir)}" makes no valid package name` : `"${given}" is not a valid npm package name`;
  throw new ScaffoldError('bad-name', `${what}: use lower-case letters, digits, "-", "." or "_" (not first), e.g. --name my-app`);
}

function fromFolder(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, '-')
    .replace(/^[-._]+|-+$/g, '');
}
