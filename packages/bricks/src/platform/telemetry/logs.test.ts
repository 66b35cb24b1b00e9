// The log store on a real folder: rotation keeps each replica's files under their bound while
// it writes, and queries find what they should (and nothing else) in memory and in the files.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { LogLine } from '../api/contract/index.ts';
import { LogStore } from './logs.ts';

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'bricks-logs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const line = (time: number, replica: string, text: string): LogLine => ({ time, service: replica.split('.')[0]!, replica, stream: 'stdout', line: text });
const json = (level: number, msg: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ level, time: new Date(0).toISOString(), msg, ...extra });

test('a replica writing steadily stays under its bound: the files rotate, the oldest go', async (t) => {
  const d = dir(t);
  const store = new LogStore(d, { maxBytes: 4096, keep: 2 });
  for (let i = 0; i < 2000; i++) store.add(line(i, 'api.1', `line ${i} ${'x'.repeat(60)}`));
  await store.close();
  const files = readdirSync(d).sort();
  assert.deepEqual(files, ['api.1.log', 'api.1.log.1', 'api.1.log.2']);
  const total = files.reduce((n, f) => n + statSync(join(d, f)).size, 0);
  assert.ok(total <= 3 * 4096, `${total} bytes on disk`);
  for (const f of files) assert.ok(statSync(join(d, f)).size <= 4096, f);
});

test('queries: a time window, a replica, a level, a trace, a text search; from the files past memory', async (t) => {
  const d = dir(t);
  const trace = 'a'.repeat(32);
  const write = (store: LogStore): void => {
    store.add(line(1000, 'api.1', json(30, 'started')));
    store.add(line(2000, 'api.2', json(50, 'boom: the database went away', { trace_id: trace })));
    store.add(line(3000, 'api.1', 'plain text, no level'));
    store.add(line(4000, 'web.1', json(40, 'slow Boom')));
  };
  const first = new LogStore(d);
  write(first);
  await first.close();
  // A new store (a daemon restart) has nothing in memory: the files answer.
  for (const store of [new LogStore(d), (() => {
    const s = new LogStore(null);
    write(s);
    return s;
  })()]) {
    const texts = (q: Parameters<LogStore['query']>[0], tail = -1): string[] => store.query(q, tail).map((l) => l.line);
    assert.equal(texts({}).length, 4);
    assert.deepEqual(texts({ since: 2000, until: 4000 }).map((s) => s.slice(0, 12)), [json(50, 'x').slice(0, 12), 'plain text, '], 'since inclusive, until exclusive');
    assert.deepEqual(texts({ replicas: ['api.1'] }).length, 2);
    assert.deepEqual(texts({ level: 40 }).map((s) => (JSON.parse(s) as { msg: string }).msg), ['boom: the database went away', 'slow Boom']);
    assert.deepEqual(texts({ trace }).map((s) => (JSON.parse(s) as { msg: string }).msg), ['boom: the database went away']);
    assert.deepEqual(texts({ grep: 'boom' }).length, 2, 'case-insensitive');
    assert.deepEqual(texts({ grep: 'boom', services: ['web'] }).length, 1);
    assert.deepEqual(texts({}, 2).length, 2, 'the last two');
    assert.deepEqual(texts({ grep: 'nothing like it' }), []);
    await store.close();
  }
});
