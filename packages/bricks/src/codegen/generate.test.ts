// Regenerating the repository's committed contracts reproduces the committed code byte for
// byte, in each way a project is laid out: arcade and the SDK's test contract by the proto/ →
// gen/ convention, the RPC benchmark by its own buf.gen.yaml and buf.yaml.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderProject } from './index.ts';

const root = new URL('../../../../', import.meta.url).pathname;

async function committed(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

for (const project of ['examples/arcade', 'packages/sdk/src/testing', 'bench/rpc']) {
  test(`regenerating ${project} gives the committed output`, async () => {
    const dir = join(root, project);
    const fresh = await renderProject(dir);
    const known = await committed(join(dir, 'gen'));
    assert.ok(fresh.size > 0);
    assert.deepEqual([...fresh.keys()].sort(), [...known.keys()].sort());
    for (const [path, text] of fresh) assert.ok(text.equals(known.get(path)!), `${path} differs: run bricks gen in ${project}`);
  });
}
