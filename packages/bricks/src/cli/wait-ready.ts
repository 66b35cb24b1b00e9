// Waiting until every service of the stack is ready (`up -d`, `dev`), printing each service's
// condition as it changes; a service that fails says what its replica printed and what to do.
import type { ApiClient } from '../platform/api/client.ts';
import { fromApi } from './context.ts';
import { CliError } from './errors.ts';
import { color } from './format/color.ts';
import { renderPs } from './format/ps.ts';
import { explainServices } from './start-failure/explain.ts';

/**
 * The status is read again on each of the daemon's events (a replica started, became ready,
 * exited), so this returns as soon as the last replica is ready; the slow poll only covers a
 * broken event stream.
 */
export async function waitUntilReady(api: ApiClient, timeoutMs: number, projectDir: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  const controller = new AbortController();
  let pending = false;
  let wake: () => void = () => {};
  // With history: the first event arrives once the subscription is in place, so no change
  // can fall between it and a status read.
  const events = (async () => {
    for await (const _ of api.events({ history: true }, controller.signal)) {
      pending = true;
      wake();
    }
  })().catch(() => undefined);
  try {
    for (;;) {
      pending = false;
      const status = await api.status({ usage: false }).catch((e: unknown) => Promise.reject(fromApi(e)));
      for (const s of status.services) {
        const line = `${s.condition} ${s.ready}/${s.desired}`;
        if (seen.get(s.name) !== line) {
          seen.set(s.name, line);
          console.log(`  ${s.name.padEnd(16)} ${line}`);
        }
      }
      const failed = status.services.filter((s) => s.condition === 'failed' || s.condition === 'crash-looping');
      if (failed.length > 0) {
        const names = failed.map((s) => s.name);
        const explained = await explainServices(api, names, projectDir);
        throw new CliError('failed', `${failed.map((s) => `${s.name} is ${s.condition}`).join(', ')}; ${explained === '' ? `see \`bricks logs ${names.join(' ')}\`` : `\`bricks logs ${names.join(' ')}\` shows all it printed\n${explained}`}`);
      }
      if (status.services.every((s) => s.ready >= s.desired)) {
        const full = await api.status().catch(() => status);
        console.log(`\n${renderPs(full, Date.now())}\n\n${color.green('up')}: every service is ready. \`bricks logs -f\` follows them, \`bricks down\` stops them.`);
        return;
      }
      if (Date.now() > deadline) {
        const waiting = status.services.filter((s) => s.ready < s.desired).map((s) => s.name);
        throw new CliError('failed', `not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}; the daemon keeps trying (\`bricks ps\`, \`bricks logs\`)`);
      }
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
      }
    }
  } finally {
    controller.abort();
    await events;
  }
}
