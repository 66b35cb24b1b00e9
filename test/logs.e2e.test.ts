// `bricks logs` through the real CLI: a time window, a search, a level and a trace find what
// they should and nothing else; -t, --no-log-prefix, --no-color and --json shape the lines; an
// SDK-style line keeps its time and its error's stack lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { project } from './helpers/bricks.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

// A replica that says four things at start, then stays: pino-style JSON (ISO time, as the SDK
// writes it), an error with a stack, a line in a trace, and plain text.
const TALKER = [
  `const say = (o) => console.log(JSON.stringify({ time: new Date().toISOString(), ...o }));`,
  `say({ level: 30, msg: 'alpha starting' });`,
  `say({ level: 50, msg: 'beta failed', trace_id: '${TRACE}', err: { type: 'Error', message: 'boom', stack: 'Error: boom\\n    at first (a.js:1:1)\\n    at second (b.js:2:2)' } });`,
  `console.log('gamma plain text');`,
  `setInterval(() => {}, 1 << 30);`,
].join(' ');

describe('bricks logs', () => {
  it('finds by window, text, level and trace, and prints lines as asked', { timeout: 60_000 }, async (t) => {
    const p = project(t, [
      'services:',
      '  talker:',
      '    healthcheck: { disable: true }',
      '    x-bricks:',
      `      run: ["${process.execPath}", "-e", ${JSON.stringify(TALKER)}]`,
      '',
    ].join('\n'));
    const up = await p.bricks('up', '-d', '--wait', '60');
    assert.equal(up.code, 0, up.stderr);
    const all = async (...args: string[]): Promise<string[]> => {
      const r = await p.bricks('logs', '--no-color', ...args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    // Each line arrives once the replica runs: wait for the last of them.
    for (let i = 0; i < 100 && !(await all()).some((l) => l.includes('gamma')); i++) await new Promise((r) => setTimeout(r, 100));

    const beta = await all('--grep', 'BETA');
    assert.equal(beta.filter((l) => l.includes('beta failed')).length, 1, beta.join('\n'));
    assert.ok(!beta.some((l) => l.includes('alpha') || l.includes('gamma')), 'nothing else');
    // The error's stack keeps its lines, indented under the replica's prefix.
    assert.ok(beta.some((l) => /^\s+at first \(a\.js:1:1\)$/.test(l)), beta.join('\n'));

    assert.deepEqual((await all('--since', '1m', '--grep', 'alpha')).map((l) => / alpha starting/.test(l)), [true]);
    assert.deepEqual(await all('--since', new Date(Date.now() + 60_000).toISOString()), [], 'nothing after now');
    assert.deepEqual(await all('--until', '1h'), [], 'nothing before an hour ago');

    const errors = await all('--level', 'error');
    assert.equal(errors.filter((l) => l.includes('beta failed')).length, 1);
    assert.ok(!errors.some((l) => l.includes('alpha') || l.includes('gamma')));
    const traced = await all('--trace', TRACE);
    assert.equal(traced.filter((l) => l.includes('beta failed')).length, 1);
    assert.ok(!traced.some((l) => l.includes('alpha')));

    // The SDK's ISO time is shown; -t adds the arrival time; --no-log-prefix drops `talker.1 |`.
    const [alpha] = await all('--grep', 'alpha', '-t', '--no-log-prefix');
    assert.match(alpha ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \d\d:\d\d:\d\d\.\d{3} INFO {2}alpha starting$/);
    assert.match((await all('--grep', 'gamma'))[0] ?? '', /^talker\.1\s+\| gamma plain text$/);
    const json = (await all('--grep', 'gamma', '--json')).map((l) => JSON.parse(l) as { replica: string; line: string; time: number });
    assert.deepEqual(json.map((l) => [l.replica, l.line]), [['talker.1', 'gamma plain text']]);

    const bad = await p.bricks('logs', '--since', 'yesterday-ish');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since: "yesterday-ish" is neither a duration back from now/);
  });
});
