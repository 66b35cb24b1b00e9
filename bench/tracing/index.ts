// The cost of tracing on arcade's GET path: two copies of arcade run at once, one exporting every
// span to its daemon (the default) and one with OTEL_TRACES_EXPORTER=none (spans are ids only),
// and the same GET through each gateway (gateway → catalog and scores) is loaded in short slices
// taken in turn, so the machine's other load falls on both alike. Metrics are on in both: the SDK
// always serves them and the daemon scrapes every 5 s.
import autocannon from 'autocannon';
import { TRACES_EXPORTER_VARIABLE } from '@bricks/sdk/platform-env';
import { arcadeCopy, type ArcadeCopy } from '../engines/arcade-copy.ts';
import { median } from '../rolling/shared.ts';
import type { BenchSuite } from '../suite.ts';
import { Project, type PsDoc } from '../../test/helpers/bricks.ts';

const SLICES = Number(process.env.BRICKS_BENCH_ROUNDS ?? 8);
const SLICE_S = 3;
const CONNECTIONS = 32;

type Side = 'on' | 'off';

async function start(copy: ArcadeCopy, side: Side): Promise<{ project: Project; url: string }> {
  const project = new Project(copy.dir);
  if (side === 'off') project.env[TRACES_EXPORTER_VARIABLE] = 'none';
  const up = await project.bricks('up', '-d', '--wait', '180');
  if (up.code !== 0) throw new Error(`bricks up (tracing ${side}) failed:\n${up.stdout}\n${up.stderr}`);
  const ps = JSON.parse((await project.bricks('ps', '--json')).stdout) as PsDoc;
  const gateway = ps.services.find((s) => s.name === 'gateway');
  if (gateway === undefined) throw new Error('no gateway in bricks ps');
  return { project, url: `${gateway.address}/api/games/tetra` };
}

async function slice(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SLICE_S });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const suite: BenchSuite = {
  name: 'tracing',
  title: "Tracing's cost on arcade's GET path: spans exported vs ids only",
  async run(progress) {
    const copies = { on: await arcadeCopy('trace-on'), off: await arcadeCopy('trace-off') };
    const running: Partial<Record<Side, { project: Project; url: string }>> = {};
    try {
      for (const side of ['on', 'off'] as const) {
        progress(`starting arcade, tracing ${side}…`);
        running[side] = await start(copies[side], side);
      }
      const results: Record<Side, { rps: number; p99: number; errors: number }[]> = { on: [], off: [] };
      // Warm both (connections, JIT, the first spans' exporter setup).
      for (const side of ['on', 'off'] as const) await slice(running[side]!.url);
      for (let i = 0; i < SLICES; i++) {
        const order: Side[] = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
        for (const side of order) results[side].push(await slice(running[side]!.url));
        progress(`slice ${i + 1}: on ${Math.round(results.on.at(-1)!.rps)} req/s, off ${Math.round(results.off.at(-1)!.rps)} req/s`);
      }
      const traced = JSON.parse((await running.on!.project.bricks('traces', '--json', '--limit', '1')).stdout) as { store: { spans: number; evicted: number } };
      const row = (side: Side): string => {
        const r = results[side];
        return `| tracing ${side === 'on' ? 'on: every span exported to the daemon' : 'off: OTEL_TRACES_EXPORTER=none'} | ${Math.round(median(r.map((x) => x.rps))).toLocaleString('en-US')} | ${r.map((x) => Math.round(x.rps)).join(' / ')} | ${median(r.map((x) => x.p99)).toFixed(0)} | ${r.reduce((a, x) => a + x.errors, 0)} |`;
      };
      const ratios = results.on.map((x, k) => x.rps / results.off[k]!.rps);
      return [
        `\`GET /api/games/tetra\` through each copy's gateway (one HTTP request, then catalog.GetGame and scores.TopScores over the SDK: 5 spans per request with tracing on), autocannon with ${CONNECTIONS} connections, ${SLICES} slices of ${SLICE_S} s per side taken in turn after a warm-up slice each. Both copies run at once on this 2-core machine, so each side's figures are lower than one copy alone would give; the ratio is the measure.`,
        '',
        '| side | req/s (median) | per slice | p99 ms (median) | errors |',
        '|---|---:|---|---:|---:|',
        row('on'),
        row('off'),
        '',
        `- throughput, tracing on ÷ off: **${(median(results.on.map((x) => x.rps)) / median(results.off.map((x) => x.rps))).toFixed(2)}×** (medians; slice by slice ${median(ratios).toFixed(2)}×; goal ≥ 0.9×)`,
        `- the traced copy's daemon held ${traced.store.spans.toLocaleString('en-US')} spans at the end (${traced.store.evicted.toLocaleString('en-US')} let go to stay within its bound)`,
      ].join('\n');
    } finally {
      for (const side of ['on', 'off'] as const) {
        await running[side]?.project.bricks('down');
        copies[side].remove();
      }
    }
  },
};

export default suite;
