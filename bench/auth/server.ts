// Child process: the bench's echo service twice, in one process: without auth, and with a rule on
// Echo (a user scope and a calling service) checked against two issuers made here (jose keys
// on loopback). Prints the ports, a folder with the caller's identity token and a user token:
//   READY <plain port> <auth port> <identity dir> <user token>
// Runs until stdin closes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAuth, IDENTITY_TOKEN_TYPE, serve } from '../../packages/sdk/src/index.ts';
import { AUTH_VARIABLE, IDENTITY_ISSUER_VARIABLE, RESILIENCE_VARIABLE, SERVICE_VARIABLE } from '../../packages/sdk/src/config/platform-env-names.js';
import { TestIssuer } from '../../packages/sdk/src/testing/oidc-issuer.ts';
import { benchImplementation } from '../rpc/peers/bricks-sdk.ts';

const base = { services: [benchImplementation], port: 0, host: '127.0.0.1', handleSignals: false, graceMs: 2000, drainDelayMs: 0 } as const;
// Both sides without the overload limiter: this bench measures what a verified caller costs, and
// connect's 100 calls in flight at ~60 ms each would otherwise be refused as overload on either side.
const noLimiter = { [RESILIENCE_VARIABLE]: JSON.stringify({ overload: { enabled: false } }) };
const users = await TestIssuer.start('RS256');
const platform = await TestIssuer.start('ES256', '/v1/identity');
const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-auth-'));
writeFileSync(join(dir, 'bench.jwt'), await platform.sign({ subject: 'caller', audience: 'bench', typ: IDENTITY_TOKEN_TYPE, expiresIn: 3600, claims: { bricks_services: ['caller'] } }));
const userToken = await users.sign({ audience: 'bench', expiresIn: 3600, claims: { scope: 'bench:call' } });
const plain = await serve({ ...base, env: { ...noLimiter } });
const guarded = await serve({
  ...base,
  env: {
    ...noLimiter,
    [SERVICE_VARIABLE]: 'bench',
    [IDENTITY_ISSUER_VARIABLE]: platform.url,
    [AUTH_VARIABLE]: encodeAuth({ issuer: users.url, audience: 'bench', methods: { 'bench.v1.BenchService/Echo': { scopes: ['bench:call'], callers: ['caller'] } } }),
  },
});
process.stdout.write(`READY ${plain.port} ${guarded.port} ${dir} ${userToken}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  void (async () => {
    for (const c of [() => plain.shutdown(), () => guarded.shutdown(), () => users.close(), () => platform.close()]) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
