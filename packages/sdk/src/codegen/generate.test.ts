// Regenerating the committed contracts must reproduce the committed code byte for byte.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { generate } from './index.ts';

const root = new URL('../../../../', import.meta.url).pathname;

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}

for (const [name, protoDir, genDir] of [
  ['arcade', 'examples/arcade/proto', 'examples/arcade/gen'],
  ['sdk test contract', 'packages/sdk/src/testing/proto', 'packages/sdk/src/testing/gen'],
] as const) {
  test(`regenerating ${name} gives the committed output`, async (t) => {
    const out = await mkdtemp(join(tmpdir(), 'bricks-gen-test-'));
    t.after(() => rm(out, { recursive: true, force: true }));
    await generate({ protoDir: join(root, protoDir), outDir: out });
    const fresh = await files(out);
    const committed = await files(join(root, genDir));
    assert.ok(fresh.size > 0);
    assert.deepEqual([...fresh.keys()].sort(), [...committed.keys()].sort());
    for (const [path, text] of fresh) assert.equal(text, committed.get(path), `${path} differs: run generate() again`);
  });
}
