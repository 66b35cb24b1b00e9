// A stand-in for the bricks daemon's discovery endpoint, for tests: serves the document and
// holds `?watch=1&version=N` requests until the version moves (or holdMs passes).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiscoveryDocument } from '../discovery/index.ts';

export interface FakeDiscovery {
  readonly url: string;
  set(services: DiscoveryDocument['services']): void;
  readonly requests: number;
  close(): Promise<void>;
}

export async function fakeDiscovery(initial: DiscoveryDocument['services'], holdMs = 25_000): Promise<FakeDiscovery> {
  let doc: DiscoveryDocument = { version: 1, services: initial };
  let requests = 0;
  const waiting = new Set<ServerResponse>();
  const send = (res: ServerResponse): void => {
    waiting.delete(res);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  };
  const server = createServer((req, res) => {
    requests++;
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.searchParams.get('watch') === '1' && Number(u.searchParams.get('version')) === doc.version) {
      waiting.add(res);
      const t = setTimeout(() => send(res), holdMs);
      res.once('close', () => {
        clearTimeout(t);
        waiting.delete(res);
      });
      return;
    }
    send(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/discovery`,
    get requests() {
      return requests;
    },
    set(services) {
      doc = { version: doc.version + 1, services };
      for (const res of [...waiting]) send(res);
    },
    async close() {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws `what`). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
