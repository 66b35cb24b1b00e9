// The greeter over a real socket, as another service would call it (`npm test`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BricksError, client, closeClients, serve } from '@bricks/sdk';
import { GreeterService } from '../gen/hello/v1/greeter_pb.ts';
import { greeter } from './greeter.ts';

test('greets by name, and refuses an empty one as invalid_argument', async (t) => {
  const server = await serve({ services: [greeter], port: 0, host: '127.0.0.1', handleSignals: false, drainDelayMs: 0 });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  // inProcess: false, so the call goes through the server rather than straight to the handler.
  const hello = client(GreeterService, { url: server.url, inProcess: false });
  assert.equal((await hello.sayHello({ name: ' Ada ' })).message, 'Hello, Ada!');
  await assert.rejects(hello.sayHello({ name: '' }), (err: unknown) => err instanceof BricksError && err.code === 'invalid_argument');
});
