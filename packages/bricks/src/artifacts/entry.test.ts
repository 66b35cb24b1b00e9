import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunArgv, planEntry } from './entry.ts';
import { fakeService } from './test-fixture.ts';

test('run commands that start a script are recognised', () => {
  assert.deepEqual(parseRunArgv(['node', '--import', 'tsx', 'src/main.ts']), { script: 'src/main.ts', nodeFlags: [], args: [] });
  assert.deepEqual(parseRunArgv(['node', '--import=tsx', '--max-old-space-size=256', 'main.ts', '--port', '1']), {
    script: 'main.ts',
    nodeFlags: ['--max-old-space-size=256'],
    args: ['--port', '1'],
  });
  assert.deepEqual(parseRunArgv(['/usr/bin/node', 'dist/server.js']), { script: 'dist/server.js', nodeFlags: [], args: [] });
  assert.deepEqual(parseRunArgv(['npx', 'tsx', 'watch', '--tsconfig', 'x.json', 'src/a.mts']), { script: 'src/a.mts', nodeFlags: [], args: [] });
  assert.deepEqual(parseRunArgv(['NODE_ENV=production', 'node', '-r', 'tsx/cjs', 'a.cts']), { script: 'a.cts', nodeFlags: [], args: [] });
  assert.equal(parseRunArgv(['python3', 'app.py']), null);
  assert.equal(parseRunArgv(['node', '-e', 'console.log(1)']), null);
  assert.equal(parseRunArgv(['node', 'README.md']), null);
});

test('shell scripts are read only when they are plain words', () => {
  const simple = planEntry(fakeService('a', '/w', { run: { kind: 'shell', script: 'tsx src/main.ts' } }));
  assert.deepEqual(simple, { kind: 'bundle', entry: '/w/src/main.ts', nodeFlags: [], args: [] });
  const piped = planEntry(fakeService('a', '/w', { run: { kind: 'shell', script: 'node main.js | tee out' } }));
  assert.deepEqual(piped, { kind: 'in-place', command: ['sh', '-c', 'node main.js | tee out'] });
  assert.deepEqual(planEntry(fakeService('a', '/w')), { kind: 'in-place', command: [] });
});

test('x-bricks.entry keeps the run command arguments', () => {
  const plan = planEntry(fakeService('a', '/w', { run: { kind: 'argv', argv: ['tsx', 'dev.ts', '--verbose'] }, bricks: { entry: 'src/prod.ts' } }));
  assert.deepEqual(plan, { kind: 'bundle', entry: '/w/src/prod.ts', nodeFlags: [], args: ['--verbose'] });
});
