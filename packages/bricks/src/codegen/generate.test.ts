// Regenerating the repository's committed contracts reproduces the committed code byte for
// byte, in each way a project is laid out: arcade, the SDK's test contract and its standard
// services (health, reflection), the gateway's google.api contracts and its test contract, and
// `bricks init`'s sdk template by the proto/ → gen/ convention, the RPC benchmark by its own
// buf.gen.yaml and buf.yaml; and what it says when the tools are missing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderProject } from './index.ts';
import { installDevCommand } from './project.ts';

const root = new URL('../../../../', import.meta.url).pathname;

async function committed(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

for (const project of ['examples/arcade', 'packages/sdk/src/testing', 'packages/sdk/src/server/standard', 'packages/bricks/src/gateway', 'packages/bricks/templates/sdk', 'bench/rpc']) {
  test(`regenerating ${project} gives the committed output`, async () => {
    const dir = join(root, project);
    const fresh = await renderProject(dir);
    const known = await committed(join(dir, 'gen'));
    assert.ok(fresh.size > 0);
    assert.deepEqual([...fresh.keys()].sort(), [...known.keys()].sort());
    for (const [path, text] of fresh) assert.ok(text.equals(known.get(path)!), `${path} differs: run bricks gen in ${project}`);
  });
}

test('the command that installs missing tools speaks the workspace package manager', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-gen-pm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const service = join(dir, 'services/api');
  mkdirSync(service, { recursive: true });
  const tools = ['@bufbuild/buf', '@bufbuild/protoc-gen-es'];
  assert.equal(installDevCommand(service, tools), `cd ${service} && npm install --save-dev @bufbuild/buf @bufbuild/protoc-gen-es`);
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: [services/*]\n');
  assert.equal(installDevCommand(service, tools), `cd ${service} && pnpm add --save-dev @bufbuild/buf @bufbuild/protoc-gen-es`);
  rmSync(join(dir, 'pnpm-workspace.yaml'));
  writeFileSync(join(dir, 'yarn.lock'), '');
  assert.equal(installDevCommand(service, tools.slice(1)), `cd ${service} && yarn add --dev @bufbuild/protoc-gen-es`);
});
