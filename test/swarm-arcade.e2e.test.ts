// The arcade example on a real Docker Swarm through the bricks CLI: `deploy --target swarm`
// builds its images and deploys; the same checks as the local arcade test pass through the
// gateway's published port; a change to one service redeploys only that service's tasks;
// `rollback --target swarm` brings back the previous SHA's image with the data kept; `down
// --target swarm` removes the stack but keeps the database's volume (a new deploy finds its
// data), and `--volumes` removes that too. The database is the backing service db: a real
// PostgreSQL (Debian's, in the image scripts/ci/docker-setup.sh builds) with a named volume.
// Skips without Docker, unless CI=true.
//
// It runs on a copy of examples/arcade inside the repo's git-ignored .tmp/ (so @bricks/sdk and
// pg resolve from the root node_modules), made its own git repository so that a change is a
// new commit, hence a new SHA; the copy publishes a free port and has its own stack name.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadStack } from '../packages/bricks/src/stack/index.ts';
import { removeSwarm } from '../packages/bricks/src/targets/index.ts';
import type { SwarmTask } from '../packages/bricks/src/targets/index.ts';
import { TestIssuer } from '../packages/sdk/src/testing/oidc-issuer.ts';
import { checkArcade, checkThumbnails } from './helpers/arcade-checks.ts';
import { get, Project, until } from './helpers/bricks.ts';
import { ensureSwarm, postgresImage } from './helpers/swarm.ts';
import { freePort } from '../packages/bricks/src/platform/runtime/ports.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const ARCADE = join(ROOT, 'examples', 'arcade');
const SERVICES = ['gateway', 'catalog', 'scores', 'analytics', 'thumbnails', 'db'];
/** The services bricks builds an image for: all but the database, which runs its own. */
const BUILT = SERVICES.filter((s) => s !== 'db');

/** The address of this host on docker_gwbridge, through which a swarm task reaches a server here. */
function swarmHostAddress(): string {
  const out = execFileSync('docker', ['network', 'inspect', 'docker_gwbridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).trim();
  return out === '' ? '172.18.0.1' : out;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bricks e2e', '-c', 'user.email=e2e@bricks.invalid', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

/** Running tasks by service: their ids (sorted) and images. */
function running(tasks: readonly SwarmTask[]): Map<string, { ids: string[]; images: string[] }> {
  const out = new Map<string, { ids: string[]; images: string[] }>();
  for (const t of tasks) {
    if (t.desiredState !== 'Running') continue;
    const s = out.get(t.service) ?? { ids: [], images: [] };
    s.ids.push(t.id);
    s.images.push(t.image);
    out.set(t.service, s);
  }
  for (const s of out.values()) s.ids.sort();
  return out;
}

test('arcade on Docker Swarm: deploy, the shared checks, a one-service redeploy, rollback by SHA, down', { timeout: 600_000 }, async (t) => {
  if (!(await ensureSwarm(t))) return;
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'arcade-swarm-'));
  for (const part of ['bricks.yaml', 'package.json', 'gen', 'lib', 'proto', 'secrets', 'services']) cpSync(join(ARCADE, part), join(dir, part), { recursive: true });
  const name = `arcade-e2e-${process.pid}`;
  const port = await freePort();
  const original = readFileSync(join(dir, 'bricks.yaml'), 'utf8');
  const yaml = original.replace(/^name: arcade$/m, `name: ${name}`).replace('"8080:8080"', `"${port}:8080"`);
  assert.notEqual(yaml.indexOf(`name: ${name}`), -1, 'the copy gets its own stack name');
  assert.notEqual(yaml.indexOf(`"${port}:8080"`), -1, 'the copy publishes a free port');
  writeFileSync(join(dir, 'bricks.yaml'), yaml);
  writeFileSync(join(dir, '.gitignore'), '.bricks/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'arcade');
  const sha1 = git(dir, 'rev-parse', 'HEAD');
  const p = new Project(dir);
  // Players' tokens: an issuer made here, on an address the tasks reach (the swarm's bridge to this host).
  const issuer = await TestIssuer.start('RS256', '', swarmHostAddress());
  const pgImage = postgresImage();
  p.env = { ARCADE_ISSUER: issuer.url, ARCADE_POSTGRES_IMAGE: pgImage };
  t.after(() => issuer.close());
  t.after(async () => {
    const loaded = await loadStack({ file: p.file });
    if (loaded.ok) await removeSwarm(loaded.stack, { deadlineMs: 60_000, volumes: true }).catch(() => undefined);
    // Untag only this stack's names: an image reused from another stack keeps its own tags.
    const refs = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
      .split('\n').filter((r) => r.startsWith(`${name}-`));
    if (refs.length > 0) spawnSync('docker', ['rmi', ...refs], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = async (...args: string[]): Promise<string> => {
    const r = await p.bricks(...args);
    assert.equal(r.code, 0, `bricks ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const tasks = async (): Promise<Map<string, { ids: string[]; images: string[] }>> =>
    running((JSON.parse(await cli('ps', '--target', 'swarm', '--json')) as { tasks: SwarmTask[] }).tasks);
  const gw = `http://127.0.0.1:${port}`;

  // Release 1: every image built (or reused by content), the whole stack converged.
  const first = await cli('deploy', '--target', 'swarm');
  assert.match(first, /deployed [0-9a-f]{12} to swarm stack/);
  assert.match(first, /image (built|reused)/);
  const tasks1 = await tasks();
  // analytics autoscales: Swarm has no autoscaler, so the stack gets bricks' own.
  assert.deepEqual([...tasks1.keys()].sort(), [...SERVICES, 'bricks-autoscaler'].sort());
  assert.equal(tasks1.get('analytics')?.ids.length, 2);
  assert.equal(tasks1.get('catalog')?.ids.length, 2, 'catalog is cattle: two replicas on the one database');
  assert.equal(tasks1.get('scores')?.ids.length, 2);
  for (const s of BUILT) assert.ok(tasks1.get(s)?.images.every((i) => i.startsWith(`${name}-${s}:`)), `${s} runs its own image`);
  assert.ok(tasks1.get('db')?.images.every((i) => i.startsWith(pgImage)), 'db runs the PostgreSQL image');
  await until('the gateway to answer on its published port', async () => (await get(`${gw}/readyz`)).status === 200, 60_000);
  await checkArcade(t, gw, { analyticsReplicas: ['analytics.1', 'analytics.2'], userToken: (scopes) => issuer.sign({ audience: 'arcade', claims: { scope: scopes.join(' ') } }) });

  // Release 2 changes thumbnails only: its tasks are replaced, every other task keeps running.
  appendFileSync(join(dir, 'services', 'thumbnails', 'main.ts'), "\nconsole.log('swarm e2e: release 2');\n");
  git(dir, 'commit', '-q', '-am', 'thumbnails: release 2');
  const second = await cli('deploy', '--target', 'swarm');
  assert.match(second, /updated thumbnails; unchanged gateway, catalog, scores, analytics, db/);
  const tasks2 = await tasks();
  for (const s of SERVICES.filter((x) => x !== 'thumbnails')) assert.deepEqual(tasks2.get(s)?.ids, tasks1.get(s)?.ids, `${s} tasks untouched`);
  assert.deepEqual(tasks2.get('bricks-autoscaler')?.ids, tasks1.get('bricks-autoscaler')?.ids, 'the autoscaler (its image unchanged) untouched');
  const thumbs1 = tasks1.get('thumbnails')!;
  const thumbs2 = tasks2.get('thumbnails')!;
  assert.ok(thumbs2.ids.every((id) => !thumbs1.ids.includes(id)), 'thumbnails tasks replaced');
  assert.notDeepEqual(thumbs2.images, thumbs1.images, 'thumbnails runs a new image');
  await until('a crop from the new thumbnails', async () => (await checkThumbnails(gw).then(() => true)), 60_000);

  // A Helm chart of release 2 with --images names each image as it exists: thumbnails at the new
  // SHA (image.tag), every unchanged service at the tag it was built under in release 1.
  await cli('manifests', '--helm', '--images', '-o', join(dir, '.bricks', 'chart'));
  const values = parse(readFileSync(join(dir, '.bricks', 'chart', 'values.yaml'), 'utf8')) as { image: { tag: string }; services: Record<string, { tag?: string }> };
  assert.equal(values.services['thumbnails']?.tag, undefined);
  assert.equal(`${name}-thumbnails:${values.image.tag}`, thumbs2.images[0]?.split('@')[0]);
  for (const s of BUILT.filter((x) => x !== 'thumbnails')) assert.equal(`${name}-${s}:${values.services[s]?.tag ?? values.image.tag}`, tasks1.get(s)?.images[0]?.split('@')[0], `${s} keeps its release-1 image in the chart`);

  // Rollback to the first SHA: the old thumbnails image runs again, the rest stays as it was.
  const back = await cli('rollback', '--target', 'swarm', sha1.slice(0, 12));
  assert.match(back, new RegExp(`rolled back swarm stack ${name} to ${sha1.slice(0, 12)}: updated thumbnails`));
  const tasks3 = await tasks();
  assert.deepEqual(tasks3.get('thumbnails')?.images, thumbs1.images, 'the old thumbnails image runs again');
  for (const s of SERVICES.filter((x) => x !== 'thumbnails')) assert.deepEqual(tasks3.get(s)?.ids, tasks1.get(s)?.ids, `${s} tasks untouched by the rollback`);
  await until('a crop from the rolled-back thumbnails', async () => (await checkThumbnails(gw).then(() => true)), 60_000);
  // The data is the database's, not a release's: the rollback kept the game made in release 1.
  assert.match((await get(`${gw}/api/games`)).body, /Star Chase/, 'the game survived the rollback');

  // Down keeps the database's volume: the stack deployed again from nothing finds the game
  // and the scores that the checks wrote into release 1.
  assert.match(await cli('down', '--target', 'swarm'), new RegExp(`removed swarm stack ${name}$`, 'm'));
  assert.match(await cli('ps', '--target', 'swarm'), /is not deployed/);
  assert.deepEqual(stackVolumes(name), [`${name}_db-data`]);
  await cli('deploy', '--target', 'swarm');
  await until('the redeployed gateway to answer', async () => (await get(`${gw}/readyz`)).status === 200, 60_000);
  const games = await until('the games after the redeploy', async () => {
    const r = await get(`${gw}/api/games`);
    return r.status === 200 ? r.body : undefined;
  }, 60_000);
  assert.match(games, /Star Chase/, 'the game made in release 1 survived down and deploy');
  assert.match((await get(`${gw}/api/games/tetra`)).body, /"bob"/, 'so did the scores');

  // Down with --volumes: the stack and its data are gone.
  assert.match(await cli('down', '--target', 'swarm', '--volumes'), new RegExp(`removed swarm stack ${name} and its volumes`));
  assert.match(await cli('ps', '--target', 'swarm'), /is not deployed/);
  assert.deepEqual(stackVolumes(name), []);
});

/** The named volumes Swarm made for the stack, sorted. */
function stackVolumes(stack: string): string[] {
  return execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`], { encoding: 'utf8' })
    .split('\n')
    .filter((v) => v !== '')
    .sort();
}
