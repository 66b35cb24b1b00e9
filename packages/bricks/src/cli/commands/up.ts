// `bricks up`: validate the stack, start the project's daemon, and either follow it in the
// foreground (live status and logs; Ctrl-C stops everything) or return once all is ready (-d).
import type { GlobalOptions } from '../context.ts';
import { follow } from '../follow.ts';
import { bringUp } from '../stack-up.ts';
import { waitUntilReady } from '../wait-ready.ts';
import { loginLine } from './dashboard.ts';

export interface UpOptions extends GlobalOptions {
  readonly detach?: boolean;
  /** Seconds to wait for every service to be ready with -d. */
  readonly wait?: string;
}

export async function up(options: UpOptions): Promise<void> {
  const { api, paths, stack } = await bringUp(options);
  const login = await loginLine(api);
  if (options.detach === true) {
    await waitUntilReady(api, Number(options.wait ?? '60') * 1000, stack.dir);
    if (login !== null) console.log(login);
    return;
  }
  if (login !== null) console.log(login);
  await follow(api, paths);
}
