// Child process: the bench's echo service, with or without verified callers. `auth` gives it a
// rule on Echo (a user scope and a calling service), both issuers made here (jose keys on
// loopback), and prints a user token and a folder with the caller's identity token; `headers`
// prints the same tokens but serves without auth (the cost of carrying them, without checking):
//   READY <port> [<identity dir> <user token>]
// Runs until stdin closes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAuth, IDENTITY_TOKEN_TYPE, serve } from '../../packages/sdk/src/index.ts';
import { AUTH_VARIABLE, IDENTITY_ISSUER_VARIABLE, SERVICE_VARIABLE } from '../../packages/sdk/src/config/platform-env-names.js';
import { TestIssuer } from '../../packages/sdk/src/testing/oidc-issuer.ts';
import { benchImplementation } from '../rpc/peers/bricks-sdk.ts';

const side = process.argv[2];
const base = { services: [benchImplementation], port: 0, host: '127.0.0.1', handleSignals: false, graceMs: 2000, drainDelayMs: 0 } as const;
const closing: (() => Promise<void>)[] = [];
let line: string;
if (side === 'auth' || side === 'headers') {
  const users = await TestIssuer.start('RS256');
  const platform = await TestIssuer.start('ES256', '/v1/identity');
  closing.push(() => users.close(), () => platform.close());
  const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-auth-'));
  closing.push(async () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bench.jwt'), await platform.sign({ subject: 'caller', audience: 'bench', typ: IDENTITY_TOKEN_TYPE, expiresIn: 3600, claims: { bricks_services: ['caller'] } }));
  const userToken = await users.sign({ audience: 'bench', expiresIn: 3600, claims: { scope: 'bench:call' } });
  const server = await serve({
    ...base,
    env: side === 'headers' ? {} : {
      [SERVICE_VARIABLE]: 'bench',
      [IDENTITY_ISSUER_VARIABLE]: platform.url,
      [AUTH_VARIABLE]: encodeAuth({ issuer: users.url, audience: 'bench', methods: { 'bench.v1.BenchService/Echo': { scopes: ['bench:call'], callers: ['caller'] } } }),
    },
  });
  closing.unshift(() => server.shutdown());
  line = `READY ${server.port} ${dir} ${userToken}`;
} else {
  const server = await serve({ ...base, env: {} });
  closing.push(() => server.shutdown());
  line = `READY ${server.port}`;
}
process.stdout.write(`${line}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  void (async () => {
    for (const c of closing) await c().catch(() => undefined);
    process.exit(0);
  })();
});
