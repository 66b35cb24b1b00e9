// The one suite every transport runs (in-process, fast, Connect, gRPC, gRPC-Web), in the
// manner of hono's common.case.test: the same calls, the same expected outcomes. Each case
// also adds a line to a transcript so the test can show that all transports agree.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { BricksError, codes, type ErrorCode } from '../errors/index.ts';
import type { Client } from '../client/index.ts';
import { Inbox } from '../transport/inbox.ts';
import type { EchoService, RelayService } from './echo-service.ts';
import type { StreamProbe, StreamService } from './stream-service.ts';

export interface TransportUnderTest {
  readonly echo: Client<typeof EchoService>;
  readonly relay: Client<typeof RelayService>;
  readonly stream: Client<typeof StreamService>;
  /** Counts kept by the serving EchoService. */
  readonly counts: Map<string, number>;
  /** What the serving StreamService saw. */
  readonly probe: StreamProbe;
}

export type Transcript = [string, unknown][];

/** Reads a stream to its end: the ns it got, and how it ended. */
async function drain(answers: AsyncIterable<{ n: number }>, limit = Infinity): Promise<{ ns: number[]; end: string }> {
  const ns: number[] = [];
  try {
    for await (const t of answers) {
      ns.push(t.n);
      if (ns.length >= limit) break;
    }
    return { ns, end: 'ok' };
  } catch (e) {
    assert.ok(e instanceof BricksError, `expected a BricksError, got ${String(e)}`);
    return { ns, end: e.code };
  }
}

async function* ticks(...texts: (string | number)[]): AsyncGenerator<{ n: number; text: string }> {
  for (const t of texts) yield typeof t === 'number' ? { n: t, text: '' } : { n: 0, text: t };
}

/** Polls until `check` holds, for at most `ms`. */
async function until(what: string, check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof BricksError, `expected a BricksError, got ${String(e)}`);
    return e.code;
  }
}

/** Bidi streams need both directions at once: gRPC-Web over HTTP/1.1 sends a request whole before its response. */
export interface CaseOptions {
  readonly fullDuplex: boolean;
}

export async function runTransportCases(t: TestContext, name: string, make: () => TransportUnderTest, opts: CaseOptions = { fullDuplex: true }): Promise<Transcript> {
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

  await runStreamCases(t, name, u, transcript, opts);
  return transcript;
}

/** Transcript entries of bidi streams, which a half-duplex transport does not have. */
export const BIDI_ENTRIES: readonly string[] = ['bidi ping-pong', 'bidi error mid-stream'];

async function runStreamCases(t: TestContext, name: string, u: TransportUnderTest, transcript: Transcript, opts: CaseOptions): Promise<void> {
  await t.test(`${name}: a server stream delivers every message in order, with headers and trailers`, async () => {
    let headers: Headers | undefined;
    let trailers: Headers | undefined;
    const r = await drain(u.stream.ticks({ count: 5 }, { onHeaders: (h) => (headers = h), onTrailers: (h) => (trailers = h) }));
    assert.deepEqual(r, { ns: [1, 2, 3, 4, 5], end: 'ok' });
    assert.equal(headers?.get('x-ticks'), '5');
    assert.equal(trailers?.get('x-done'), 'yes');
    transcript.push(['server stream', r]);
  });

  await t.test(`${name}: a client stream is read whole, with the request headers`, async () => {
    const res = await u.stream.sum(ticks(1, 2, 3, 4), { headers: { 'x-echo': 'summed' } });
    assert.equal(res.count, 4);
    assert.equal(res.total, 10n);
    assert.equal(res.header, 'summed');
    const none = await u.stream.sum(ticks());
    assert.equal(none.count, 0);
    transcript.push(['client stream', [res.count, String(res.total), res.header, none.count]]);
  });

  if (!opts.fullDuplex) {
    await t.test(`${name}: a bidi stream is refused at once, saying why`, async () => {
      const r = await drain(u.stream.chat(ticks(1)));
      assert.deepEqual(r, { ns: [], end: 'unimplemented' });
    });
  }

  if (opts.fullDuplex) await t.test(`${name}: a bidi stream answers each message before the next is sent`, async () => {
    const out = new Inbox<{ n: number; text: string }>();
    const answers = u.stream.chat(out)[Symbol.asyncIterator]();
    const seen: number[] = [];
    for (const n of [1, 10, 100]) {
      out.push({ n, text: 'ping' });
      const r = await answers.next();
      assert.equal(r.done, false);
      seen.push((r.value as { n: number }).n);
    }
    out.end();
    assert.equal((await answers.next()).done, true);
    assert.deepEqual(seen, [2, 11, 101]);
    transcript.push(['bidi ping-pong', seen]);
  });

  await t.test(`${name}: an error after some messages arrives after them, both ways`, async () => {
    const server = await drain(u.stream.ticks({ count: 3, failWith: 'failed_precondition' }));
    assert.deepEqual(server, { ns: [1, 2, 3], end: 'failed_precondition' });
    const client = await outcome(u.stream.sum(ticks(1, 'fail:invalid_argument', 2)));
    assert.equal(client, 'invalid_argument');
    transcript.push(['errors mid-stream', [server, client]]);
    if (opts.fullDuplex) {
      const bidi = await drain(u.stream.chat(ticks(1, 2, 'fail:out_of_range', 3)));
      assert.deepEqual(bidi, { ns: [2, 3], end: 'out_of_range' });
      transcript.push(['bidi error mid-stream', bidi]);
    }
  });

  await t.test(`${name}: the server cancelling mid-stream ends the caller's stream with cancelled`, async () => {
    const r = await drain(u.stream.ticks({ count: 2, failWith: 'cancelled' }));
    assert.deepEqual(r, { ns: [1, 2], end: 'cancelled' });
    transcript.push(['server cancels', r]);
  });

  await t.test(`${name}: the caller cancelling mid-stream (break, or its signal) reaches the handler`, async () => {
    const key = `${name}-break`;
    const broke = await drain(u.stream.ticks({ count: 1000, intervalMs: 20, key }), 2);
    assert.deepEqual(broke, { ns: [1, 2], end: 'ok' });
    await until('the handler to see the cancel after a break', () => u.probe.cancelled.has(key));
    const ac = new AbortController();
    const signalKey = `${name}-signal`;
    const answers = u.stream.ticks({ count: 1000, intervalMs: 20, key: signalKey }, { signal: ac.signal });
    const got: number[] = [];
    let end = 'ok';
    try {
      for await (const m of answers) {
        got.push(m.n);
        if (got.length === 2) ac.abort();
      }
    } catch (e) {
      end = e instanceof BricksError ? e.code : String(e);
    }
    assert.equal(end, 'cancelled');
    assert.ok(got.length >= 2 && got.length <= 3, `got ${got.length} after the abort`);
    await until('the handler to see the cancel after an abort', () => u.probe.cancelled.has(signalKey));
    transcript.push(['caller cancels', [broke.end, end]]);
  });

  await t.test(`${name}: a deadline passing mid-stream ends it with deadline_exceeded after the messages so far`, async () => {
    const r = await drain(u.stream.ticks({ count: 1000, intervalMs: 25 }, { timeoutMs: 300 }));
    assert.equal(r.end, 'deadline_exceeded');
    assert.ok(r.ns.length >= 2 && r.ns.length < 20, `${r.ns.length} ticks before the deadline`);
    transcript.push(['deadline mid-stream', r.end]);
  });

  await t.test(`${name}: a slow reader holds the server back (back-pressure), then gets every message`, async () => {
    const key = `${name}-slow`;
    const size = 16 * 1024;
    const count = 2000; // 32 MiB in all: far more than any window or socket buffer holds
    const it = u.stream.ticks({ count, size, key }, { timeoutMs: 20_000 })[Symbol.asyncIterator]();
    let read = 0;
    for (; read < 3; read++) assert.equal((await it.next()).done, false);
    await new Promise((r) => setTimeout(r, 300));
    const ahead = (u.probe.produced.get(key) ?? 0) - read;
    // Without back-pressure the server would have produced all 32 MiB by now. With it, what is
    // ahead is the stream's window (1 MiB on the fast transport) plus what the kernel's socket
    // buffers hold on loopback (several MiB, autotuned): well under half.
    t.diagnostic(`${name}: the server ran ${ahead} messages (${((ahead * size) / 2 ** 20).toFixed(1)} MiB) ahead of a paused reader`);
    assert.ok(ahead * size < 16 * 2 ** 20, `the server ran ${ahead} messages (${(ahead * size) / 2 ** 20} MiB) ahead of a paused reader`);
    for (;;) {
      const r = await it.next();
      if (r.done === true) break;
      assert.equal(r.value.data.length, size);
      read++;
    }
    assert.equal(read, count);
    transcript.push(['back-pressure', 'bounded']);
  });
}
