// `bricks ps`: every replica with its pid, port, state, health, restarts, uptime, CPU, memory.
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { renderPs } from '../format/ps.ts';

export async function ps(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const status = await api.status().catch((e: unknown) => Promise.reject(fromApi(e)));
  if (options.json === true) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(renderPs(status, Date.now()));
}
