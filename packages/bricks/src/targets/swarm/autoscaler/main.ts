// The Swarm autoscaler service's program (the image bricks builds for a stack that autoscales:
// image.ts). It runs on a manager with the Engine API's socket mounted, and logs one JSON line
// per scale event and per error.
import { STACK_VARIABLE } from '@bricks/sdk/platform-env';
import { SwarmAutoscaler } from './scaler.ts';
import { dockerApi } from './swarm-api.ts';

/** Once a second, as the local autoscaler samples: a decision needs a few samples of its windows. */
const INTERVAL_MS = 1000;
/** A replica that takes longer to answer /metrics is left out of this round. */
const SCRAPE_TIMEOUT_MS = 800;

const stack = process.env[STACK_VARIABLE];
if (stack === undefined || stack === '') {
  console.error(JSON.stringify({ level: 'fatal', msg: `${STACK_VARIABLE} is not set: the stack whose services this autoscaler scales` }));
  process.exit(2);
}

const log = (level: string, msg: string, fields: Record<string, unknown> = {}): void => {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
};

const scaler = new SwarmAutoscaler({
  stack,
  api: dockerApi(),
  scrape: async (url) => {
    const r = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.text();
  },
  now: Date.now,
  onScale: (e) => log('info', `scaled ${e.service} from ${e.from} to ${e.to}: ${e.reason}`, { ...e }),
  onError: (err) => log('error', err instanceof Error ? err.message : String(err)),
});

let stopping = false;
process.on('SIGTERM', () => { stopping = true; });
log('info', `autoscaling stack ${stack}`);
while (!stopping) {
  const started = Date.now();
  await scaler.tick().catch((err: unknown) => log('error', err instanceof Error ? err.message : String(err)));
  await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - (Date.now() - started))));
}
