// Shared by this folder's tests: a listening fast server and a client, both closed by t.after.
import type { TestContext } from 'node:test';
import { FastClient } from './client.ts';
import type { FastClientOptions } from './client.ts';
import { listenFast } from './listen.ts';
import type { FastListener } from './listen.ts';
import type { FastServerOptions } from './server.ts';
import type { FastHandler } from './server-connection.ts';

export async function startPair(
  t: TestContext,
  handler: FastHandler,
  opts: { server?: FastServerOptions; client?: Partial<FastClientOptions> } = {},
): Promise<{ listener: FastListener; client: FastClient }> {
  const listener = await listenFast(handler, 0, opts.server);
  const client = new FastClient({ host: '127.0.0.1', port: listener.port, ...opts.client });
  t.after(async () => {
    // Every call in a test has a deadline, so a close that waits for them ends.
    await Promise.all([client.close(), listener.close(0)]);
  });
  return { listener, client };
}

/** Polls `check` every few ms until it holds or `timeoutMs` passes (then throws `what`). */
export async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A promise with its resolve exposed, for handlers that wait on the test. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** mulberry32: a small seeded PRNG, so a failing fuzz case reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
