// Runs the project's tests with node's own test runner through tsx.
// Node 20's `--test` takes no globs, so the files are found here:
//   unit: *.test.ts beside the code (packages/, examples/, scripts/);  e2e: test/**/*.test.ts.
// Extra arguments are substrings that filter the file list.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [kind = 'all', ...filters] = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const unit = [...walk(join(root, 'packages'), []), ...walk(join(root, 'examples'), []), ...walk(join(root, 'scripts'), [])];
const e2e = walk(join(root, 'test'), []);
let files = kind === 'unit' ? unit : kind === 'e2e' ? e2e : [...unit, ...e2e];
if (filters.length > 0) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${kind} ${filters.join(' ')}`);
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
