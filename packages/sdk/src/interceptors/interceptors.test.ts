// Interceptors on clients and servers: the onion's order, headers and values handed inward
// (the way an auth interceptor works), errors thrown or mapped by a layer, and streams passing
// through, in-process and over the fast transport and gRPC.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { client, closeClients } from '../client/index.ts';
import { BricksError } from '../errors/index.ts';
import { implement, serve, type ServiceHandlers } from '../server/index.ts';
import { echoImpl, EchoService } from '../testing/echo-service.ts';
import { streamImpl, StreamService } from '../testing/stream-service.ts';
import { callKey, type Interceptor } from './index.ts';

const caller = callKey<string>('anonymous', 'caller');

function logging(log: string[], name: string): Interceptor {
  return (next) => async (call) => {
    log.push(`${name}>${call.side}:${call.stream ? 'stream' : 'unary'}`);
    try {
      const reply = await next(call);
      log.push(`<${name}`);
      return reply;
    } catch (e) {
      log.push(`<${name}!${e instanceof BricksError ? e.code : 'other'}`);
      throw e;
    }
  };
}

/** Server side of a token check: a missing token is unauthenticated; a good one names the caller for the handler. */
const checkToken: Interceptor = (next) => async (call) => {
  const auth = call.requestHeaders.get('authorization');
  if (auth === null) throw new BricksError('unauthenticated', 'no token');
  call.values.set(caller, auth.replace(/^Bearer /, ''));
  return next(call);
};

const sendToken =
  (token: string): Interceptor =>
  (next) =>
  (call) => {
    call.requestHeaders.set('authorization', `Bearer ${token}`);
    return next(call);
  };

async function start(t: TestContext, interceptors: Interceptor[], seen: string[]) {
  // Echo, but its `header` field reports the caller the interceptor found.
  const whoami = implement(EchoService, {
    ...(echoImpl().handlers as Partial<ServiceHandlers<typeof EchoService>>),
    echo(req, ctx) {
      seen.push(ctx.values.get(caller));
      return { text: req.text, header: ctx.values.get(caller) };
    },
  });
  const server = await serve({ services: [whoami, streamImpl()], interceptors, host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  return server;
}

for (const via of ['in-process', 'fast', 'grpc'] as const) {
  test(`${via}: client and server interceptors wrap the call in order, and hand the caller's identity inward`, async (t) => {
    const log: string[] = [];
    const seen: string[] = [];
    const server = await start(t, [logging(log, 's1'), checkToken, logging(log, 's2')], seen);
    const opts = via === 'in-process' ? { target: 'echo', env: {} } : { url: server.url, protocol: via, inProcess: false, env: {} };
    const echo = client(EchoService, { ...opts, interceptors: [logging(log, 'c1'), sendToken('alice'), logging(log, 'c2')] });
    const res = await echo.echo({ text: 'hi' });
    assert.equal(res.text, 'hi');
    assert.equal(res.header, 'alice');
    assert.deepEqual(seen, ['alice']);
    assert.deepEqual(log, ['c1>client:unary', 'c2>client:unary', 's1>server:unary', 's2>server:unary', '<s2', '<s1', '<c2', '<c1']);
  });

  test(`${via}: a server interceptor's error is the caller's, and the handler never runs`, async (t) => {
    const log: string[] = [];
    const seen: string[] = [];
    const server = await start(t, [logging(log, 's1'), checkToken], seen);
    const opts = via === 'in-process' ? { target: 'echo', env: {} } : { url: server.url, protocol: via, inProcess: false, env: {} };
    const anonymous = client(EchoService, { ...opts, interceptors: [logging(log, 'c1')] });
    await assert.rejects(anonymous.echo({ text: 'x' }), (e: BricksError) => e.code === 'unauthenticated' && e.rawMessage === 'no token');
    assert.deepEqual(seen, []);
    assert.deepEqual(log, ['c1>client:unary', 's1>server:unary', '<s1!unauthenticated', '<c1!unauthenticated']);
  });
}

test('an interceptor can map a failure to another code, and retry nothing it was not asked to', async (t) => {
  const server = await start(t, [], []);
  const softened: Interceptor = (next) => async (call) => {
    try {
      return await next(call);
    } catch (e) {
      if (e instanceof BricksError && e.code === 'not_found') throw new BricksError('failed_precondition', `mapped: ${e.rawMessage}`, { cause: e });
      throw e;
    }
  };
  const echo = client(EchoService, { url: server.url, protocol: 'fast', inProcess: false, env: {}, interceptors: [softened] });
  await assert.rejects(echo.fail({ code: 'not_found', message: 'gone' }), (e: BricksError) => e.code === 'failed_precondition' && e.rawMessage === 'mapped: gone');
  await assert.rejects(echo.fail({ code: 'aborted', message: 'kept' }), (e: BricksError) => e.code === 'aborted');
});

test('streams pass through interceptors on both sides, which may watch or change their messages', async (t) => {
  const log: string[] = [];
  // The server doubles every tick's n on its way out; the client counts what comes in.
  const doubling: Interceptor = (next) => async (call) => {
    const reply = await next(call);
    if (!reply.stream) return reply;
    const messages = reply.messages;
    async function* doubled() {
      for await (const m of messages) yield { ...m, n: (m as unknown as { n: number }).n * 2 } as typeof m;
    }
    return { ...reply, messages: doubled() };
  };
  const server = await start(t, [logging(log, 's'), doubling], []);
  let counted = 0;
  const counting: Interceptor = (next) => async (call) => {
    const reply = await next(call);
    if (!reply.stream) return reply;
    const messages = reply.messages;
    async function* count() {
      for await (const m of messages) {
        counted++;
        yield m;
      }
    }
    return { ...reply, messages: count() };
  };
  for (const protocol of ['fast', 'grpc'] as const) {
    counted = 0;
    log.length = 0;
    const s = client(StreamService, { url: server.url, protocol, inProcess: false, env: {}, interceptors: [logging(log, 'c'), counting] });
    const ns: number[] = [];
    for await (const m of s.ticks({ count: 3 })) ns.push(m.n);
    assert.deepEqual(ns, [2, 4, 6], protocol);
    assert.equal(counted, 3);
    // A client's stream reply is handed out before the call starts (it starts when first read).
    assert.deepEqual(log, ['c>client:stream', '<c', 's>server:stream', '<s'], protocol);
  }
});
