// The daemon's trace store: how many spans a second it takes in on one core, and that its memory
// stays within its bound under steady load. The spans are what replicas send: RPC spans made by
// the SDK with OpenTelemetry's SDK, exported by its OTLP/HTTP JSON exporter to a listener here
// that keeps the request bodies; the store then takes those bodies as its route does (JSON.parse,
// OTLP decode, insert). Reference, not run here (no Collector binary on this machine): the
// OpenTelemetry Collector's published sizing is about 12,000 spans/s per core.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeOtlpJson, TRACE_STORE_DEFAULTS, TraceStore } from '../../packages/bricks/src/platform/telemetry/traces/index.ts';
import { median } from '../rolling/shared.ts';
import type { BenchSuite } from '../suite.ts';

const BATCHES = 40;
const BATCH = 512;
/** The steady load's length and rate: BENCH_TRACES_SECONDS (default 600: ten minutes), BENCH_TRACES_RATE spans/s. */
const SECONDS = Number(process.env.BENCH_TRACES_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_TRACES_RATE ?? 10_000);

/** Request bodies as the SDK's exporter sends them: BATCHES × BATCH spans, 3 spans per trace. */
async function exportedBodies(): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'catalog', 'service.instance.id': 'catalog.1', 'service.namespace': 'arcade' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), maxExportBatchSize: BATCH, maxQueueSize: BATCH * 4, scheduledDelayMillis: 50 })],
  });
  const tracer = provider.getTracer('@bricks/sdk');
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < BATCH / 4; i++) {
      // A gateway request, its client call and the server span, as the SDK records them (and one more client span).
      const root = tracer.startSpan('GET /api/games/:id', { kind: 1, attributes: { 'http.request.method': 'GET', 'http.route': '/api/games/:id', 'url.path': `/api/games/g${i}` } });
      const ctx = trace.setSpan(context.active(), root);
      for (const method of ['GetGame', 'TopScores']) {
        const client = tracer.startSpan(`arcade.v1.CatalogService/${method}`, { kind: 2, attributes: { 'rpc.system': 'bricks', 'rpc.method': `arcade.v1.CatalogService/${method}` } }, ctx);
        const server = tracer.startSpan(`arcade.v1.CatalogService/${method}`, { kind: 1, attributes: { 'rpc.system': 'bricks', 'rpc.method': `arcade.v1.CatalogService/${method}`, 'rpc.bricks.transport': 'fast' } }, trace.setSpan(ctx, client));
        server.end();
        client.end();
      }
      root.end();
    }
    await provider.forceFlush();
  }
  await provider.shutdown();
  await new Promise<void>((r) => server.close(() => r()));
  return bodies;
}

function ingest(store: TraceStore, body: Buffer): number {
  const batch = decodeOtlpJson(JSON.parse(body.toString('utf8')));
  store.add(batch.spans);
  return batch.spans.length;
}

const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;

const suite: BenchSuite = {
  name: 'traces',
  title: "Trace store: spans per second taken in on one core, and memory under ten minutes' load",
  async run(progress) {
    progress('exporting spans with the OpenTelemetry SDK to capture what replicas send…');
    const bodies = await exportedBodies();
    const perBody = bodies.map((b) => decodeOtlpJson(JSON.parse(b.toString('utf8'))).spans.length);
    const spansPerRound = perBody.reduce((a, b) => a + b, 0);
    const bytes = bodies.reduce((a, b) => a + b.length, 0);
    progress(`${bodies.length} requests, ${spansPerRound} spans, ${Math.round(bytes / spansPerRound)} bytes per span on the wire`);

    // Rate: every body into a store as big as the daemon's, 7 rounds; the store is kept across
    // rounds so that its evictions (it is full after the second) are part of the cost.
    const store = new TraceStore();
    const rates: number[] = [];
    for (let round = 0; round < 7; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let n = 0;
      for (const b of bodies) n += ingest(store, b);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      rates.push(n / ((cpu.user + cpu.system) / 1e6));
      progress(`round ${round + 1}: ${Math.round(n / wall)} spans/s wall, ${Math.round(rates.at(-1)!)} per CPU second`);
    }

    // Memory: a fresh store, RATE spans/s for SECONDS, the heap sampled every 10 s after a GC.
    const gc = (globalThis as { gc?: () => void }).gc;
    const steady = new TraceStore();
    gc?.();
    const base = process.memoryUsage().heapUsed;
    const samples: { at: number; heap: number; spans: number }[] = [];
    const started = performance.now();
    let sent = 0;
    let i = 0;
    while (performance.now() - started < SECONDS * 1000) {
      const due = ((performance.now() - started) / 1000) * RATE;
      while (sent < due) sent += ingest(steady, bodies[i++ % bodies.length]!);
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= (samples.length + 1) * 10) {
        gc?.();
        samples.push({ at: elapsed, heap: process.memoryUsage().heapUsed - base, spans: steady.stats().spans });
        if (samples.length % 6 === 0) progress(`${Math.round(elapsed)} s: ${steady.stats().spans} spans kept, heap +${mb(samples.at(-1)!.heap)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const full = samples.filter((s) => s.spans >= TRACE_STORE_DEFAULTS.maxSpans * 0.95);
    const peak = Math.max(...samples.map((s) => s.heap));
    const perSpan = full.length > 0 ? median(full.map((s) => s.heap / s.spans)) : NaN;
    const rate = median(rates);
    return [
      `Spans: what the SDK's OTLP/HTTP JSON exporter sent for ${spansPerRound} RPC and HTTP spans (${bodies.length} requests of up to ${BATCH}, ${Math.round(bytes / spansPerRound)} bytes per span), taken in by the store as the daemon's route does: JSON.parse, OTLP decode, insert, and evictions once it holds its ${TRACE_STORE_DEFAULTS.maxSpans.toLocaleString('en-US')} spans. Node runs this on one core. Reference: the OpenTelemetry Collector's published sizing, about 12,000 spans/s per core (not run here: no Collector binary on this machine).`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| spans per CPU second (median of 7 rounds; ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(' / ')}) | **${Math.round(rate).toLocaleString('en-US')}** |`,
      `| ÷ the Collector's ~12,000 per core | ${(rate / 12_000).toFixed(2)}× (goal ≥ 10,000 spans/s: ${rate >= 10_000 ? 'met' : 'not met'}) |`,
      `| steady load: ${RATE.toLocaleString('en-US')} spans/s for ${SECONDS} s, heap above the start, peak | ${mb(peak)} |`,
      `| heap per kept span once the store is full (median of ${full.length} samples) | ${Number.isFinite(perSpan) ? `${Math.round(perSpan)} bytes` : 'n/a (never full)'} |`,
      `| spans kept at the end (bound ${TRACE_STORE_DEFAULTS.maxSpans.toLocaleString('en-US')}) | ${steady.stats().spans.toLocaleString('en-US')} |`,
      '',
      `Heap sampled every 10 s after a forced GC (${gc === undefined ? 'not available: run with --expose-gc for exact figures' : 'node --expose-gc'}): ${samples.filter((_s, k) => k % 6 === 5).map((s) => `${Math.round(s.at)} s ${mb(s.heap)}`).join(', ')}.`,
    ].join('\n');
  },
};

export default suite;
