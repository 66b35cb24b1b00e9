// Where a handler's calls find their call: in the handler's synchronous run, across its awaits,
// and through nested handlers of both shapes, whichever place holds the context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beginRpcSpan } from '../tracing/rpc-span.ts';
import { currentScope, runInCall, type HandlerShape } from './call-context.ts';
import { CallScope } from './call-scope.ts';

const scope = (method: string) => new CallScope(Date.now() + 5000, method, beginRpcSpan(method, 'server', undefined, () => ({})), { headers: {}, transport: 'in-process' });
const unknown = (): HandlerShape => ({ async: undefined });
const tick = () => new Promise<void>((r) => setImmediate(r));

test('a handler that returns its answer is learned as synchronous and sees its call on every run', () => {
  const shape = unknown();
  const seen: (string | undefined)[] = [];
  const handler = (_: unknown, s: CallScope) => {
    seen.push(currentScope() === s ? s.method : currentScope()?.method);
    return 'done';
  };
  assert.equal(runInCall(scope('a/First'), handler, null, shape), 'done');
  assert.equal(shape.async, false);
  runInCall(scope('a/Second'), handler, null, shape);
  assert.deepEqual(seen, ['a/First', 'a/Second']);
  assert.equal(currentScope(), undefined, 'nothing is left behind after the run');
});

test('a handler that returns a promise is learned as asynchronous and keeps its call across awaits', async () => {
  const shape = unknown();
  const handler = async (_: unknown, s: CallScope) => {
    await tick();
    const after = currentScope();
    await Promise.resolve();
    return after === s && currentScope() === s;
  };
  assert.equal(await runInCall(scope('b/First'), handler, null, shape), true);
  assert.equal(shape.async, true);
  assert.equal(await runInCall(scope('b/Second'), handler, null, shape), true);
  assert.equal(currentScope(), undefined);
});

test('nested handlers of both shapes each see their own call, and the outer one again after', async () => {
  const syncShape: HandlerShape = { async: false };
  const asyncShape: HandlerShape = { async: true };
  const outer = scope('d/Outer');
  const inner = scope('d/Inner');
  const log: string[] = [];
  const name = () => currentScope()?.method ?? 'none';
  let innerDone: Promise<void> = Promise.resolve();
  runInCall(
    outer,
    () => {
      log.push(`outer ${name()}`);
      innerDone = runInCall(
        inner,
        async () => {
          log.push(`inner sync part ${name()}`);
          await tick();
          log.push(`inner after await ${name()}`);
          runInCall(scope('d/Leaf'), () => log.push(`leaf ${name()}`), null, syncShape);
          log.push(`inner after leaf ${name()}`);
        },
        null,
        asyncShape,
      );
      log.push(`outer again ${name()}`);
    },
    null,
    syncShape,
  );
  await innerDone;
  assert.deepEqual(log, ['outer d/Outer', 'inner sync part d/Inner', 'outer again d/Outer', 'inner after await d/Inner', 'leaf d/Leaf', 'inner after leaf d/Inner']);
});

test('a handler that throws leaves no call behind and is not learned', () => {
  const shape = unknown();
  assert.throws(
    () =>
      runInCall(
        scope('e/Throws'),
        () => {
          throw new Error('boom');
        },
        null,
        shape,
      ),
    /boom/,
  );
  assert.equal(shape.async, undefined);
  assert.equal(currentScope(), undefined);
});
