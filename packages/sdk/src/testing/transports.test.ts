// Runs the shared transport suite over every transport against one real server, and checks
// that all of them produced the same transcript as the in-process path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, closeClients } from '../client/index.ts';
import { implement, serve } from '../server/index.ts';
import { loadFast } from '../transport/fast-module.ts';
import type { Protocol } from '../transport/channel.ts';
import { echoImpl, EchoService, RelayService } from './echo-service.ts';
import { newStreamProbe, streamImpl, StreamService } from './stream-service.ts';
import { BIDI_ENTRIES, runTransportCases, type Transcript } from './transports.case.ts';

test('every transport behaves the same', async (t) => {
  const counts = new Map<string, number>();
  const probe = newStreamProbe();
  const server = await serve({
    services: [echoImpl({ counts }), implement(RelayService, {}), streamImpl(probe)],
    host: '127.0.0.1',
    port: 0,
    handleSignals: false,
    drainDelayMs: 0,
    env: {},
  });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });

  const inProcess = await runTransportCases(t, 'in-process', () => ({
    echo: client(EchoService, { target: 'echo', env: {} }),
    relay: client(RelayService, { target: 'echo', env: {} }),
    stream: client(StreamService, { target: 'echo', env: {} }),
    counts,
    probe,
  }));

  const protocols: Protocol[] = ['connect', 'grpc', 'grpc-web'];
  if (await loadFast()) protocols.unshift('fast');
  else t.diagnostic('fast transport not in this build: skipped');
  const results: [string, Transcript][] = [];
  for (const protocol of protocols) {
    // The error-code case fails on purpose many times in a row: keep the breaker out of it.
    const opts = { url: server.url, protocol, inProcess: false, env: {}, resilience: { circuitBreaker: { failures: 1000 } } };
        const fullDuplex = protocol !== 'grpc-web';
    const make = () => ({ echo: client(EchoService, opts), relay: client(RelayService, opts), stream: client(StreamService, opts), counts, probe });
    results.push([protocol, await runTransportCases(t, protocol, make, { fullDuplex })]);
  }

  for (const [protocol, transcript] of results) {
    const expected = protocol === 'grpc-web' ? inProcess.filter(([k]) => !BIDI_ENTRIES.includes(k)) : inProcess;
    assert.deepEqual(transcript, expected, `${protocol} differs from in-process`);
  }
});
