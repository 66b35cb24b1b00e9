// The one suite every transport runs (in-process, fast, Connect, gRPC, gRPC-Web), in the
// manner of hono's common.case.test: the same calls, the same expected outcomes. Each case
// also adds a line to a transcript so the test can show that all transports agree.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { BricksError, codes, type ErrorCode } from '../errors/index.ts';
import type { Client } from '../client/index.ts';
import type { EchoService, RelayService } from './echo-service.ts';

export interface TransportUnderTest {
  readonly echo: Client<typeof EchoService>;
  readonly relay: Client<typeof RelayService>;
  /** Counts kept by the serving EchoService. */
  readonly counts: Map<string, number>;
}

export type Transcript = [string, unknown][];

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof BricksError, `expected a BricksError, got ${String(e)}`);
    return e.code;
  }
}

export async function runTransportCases(t: TestContext, name: string, make: () => TransportUnderTest): Promise<Transcript> {
  const transcript: Transcript = [];
  const u = make();

  await t.test(`${name}: echo round-trips every field type and the request headers`, async () => {
    const req = { text: 'héllo ✓', number: -(2n ** 62n), data: new Uint8Array([0, 1, 255]), labels: { a: '1', b: '' }, tags: ['x', 'y'] };
    const res = await u.echo.echo(req, { headers: { 'x-echo': 'seen' } });
    assert.equal(res.text, req.text);
    assert.equal(res.number, req.number);
    assert.deepEqual([...res.data], [0, 1, 255]);
    assert.deepEqual(res.labels, { a: '1', b: '' });
    assert.deepEqual(res.tags, ['x', 'y']);
    assert.equal(res.header, 'seen');
    assert.notEqual(res.labels, req.labels, 'caller and callee share no mutable object');
    transcript.push(['echo', { text: res.text, number: String(res.number), data: [...res.data], labels: res.labels, tags: res.tags, header: res.header }]);
  });

  await t.test(`${name}: a W3C traceparent reaches the handler`, async () => {
    const res = await u.echo.echo({ text: 't' });
    assert.match(res.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    transcript.push(['traceparent', 'valid']);
  });

  await t.test(`${name}: every error code arrives as itself, with its message`, async () => {
    const seen: Record<string, string> = {};
    for (const code of Object.keys(codes) as ErrorCode[]) {
      try {
        await u.echo.fail({ code, message: `because ${code}` });
        assert.fail('fail() returned');
      } catch (e) {
        assert.ok(e instanceof BricksError);
        assert.equal(e.code, code);
        assert.equal(e.rawMessage, `because ${code}`);
        seen[code] = e.code;
      }
    }
    transcript.push(['codes', seen]);
  });

  await t.test(`${name}: a call past its deadline ends with deadline_exceeded`, async () => {
    const code = await outcome(u.echo.sleep({ ms: 5000 }, { timeoutMs: 100 }));
    assert.equal(code, 'deadline_exceeded');
    transcript.push(['deadline', code]);
  });

  await t.test(`${name}: the handler sees the caller's remaining budget`, async () => {
    const res = await u.echo.sleep({ ms: 0 }, { timeoutMs: 1500 });
    assert.ok(res.budgetMs > 0 && res.budgetMs <= 1500, `budget ${res.budgetMs}`);
    transcript.push(['budget', 'within']);
  });

  await t.test(`${name}: cancelling through the caller's signal ends the call with cancelled`, async () => {
    const ac = new AbortController();
    const p = outcome(u.echo.sleep({ ms: 5000 }, { signal: ac.signal }));
    ac.abort();
    const code = await p;
    assert.equal(code, 'cancelled');
    transcript.push(['cancel', code]);
  });

  await t.test(`${name}: a non-idempotent call that failed on the server is not retried`, async () => {
    const key = `${name}-once`;
    const code = await outcome(u.echo.count({ key, failWith: 'unavailable' }));
    assert.equal(code, 'unavailable');
    assert.equal(u.counts.get(key), 1);
    transcript.push(['not-retried', [code, u.counts.get(key)]]);
  });

  await t.test(`${name}: an answer no encoder could send ends the call with internal`, async () => {
    const code = await outcome(u.echo.count({ key: 'answer-out-of-range' }));
    assert.equal(code, 'internal');
    transcript.push(['invalid answer', code]);
  });

  await t.test(`${name}: a method without a handler answers unimplemented`, async () => {
    const code = await outcome(u.relay.relay({ sleepMs: 1 }));
    assert.equal(code, 'unimplemented');
    transcript.push(['unimplemented', code]);
  });

  return transcript;
}
