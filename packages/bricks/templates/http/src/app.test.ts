// The web service's handler over a real socket (`npm test`).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { handle } from './app.ts';

test('says hello, answers its health checks, and names an unknown route', async (t) => {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  assert.deepEqual(await (await fetch(`${base}/hello?name=Ada`)).json(), { message: 'Hello, Ada!' });
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  const missing = await fetch(`${base}/nope`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { error: string }).error, /no route \/nope/);
});
