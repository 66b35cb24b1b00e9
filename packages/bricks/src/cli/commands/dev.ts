// `bricks dev`: the stack up, then every change to the sources rebuilds the services it reaches
// and rolls just those, with the same zero-downtime rules as a deploy. Changes are found by
// asking for a deploy every half second: the build's stat cache makes an unchanged one cost a
// few milliseconds, and polling needs no inotify watch per folder of node_modules.
import type { GlobalOptions } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { follow } from '../follow.ts';
import { deployExplained } from '../start-failure/deploy-explained.ts';
import { bringUp } from '../stack-up.ts';
import { waitUntilReady } from '../wait-ready.ts';

/** Between checks for changes: quick enough to feel live, slow enough to batch an editor's saves. */
const POLL_MS = 500;
/** As long as `up -d` waits by default. */
const READY_TIMEOUT_MS = 60_000;

export async function dev(options: GlobalOptions): Promise<void> {
  const { api, paths, stack } = await bringUp(options);
  await waitUntilReady(api, READY_TIMEOUT_MS, stack.dir);
  console.log(color.dim('watching for changes; Ctrl-C stops the stack'));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (stopped) break;
      try {
        await deployExplained(api, stack.dir, { quietIfUnchanged: true });
      } catch (err) {
        // A broken edit is normal while developing: say it and keep watching.
        console.error(`${color.red('deploy failed')}: ${err instanceof CliError ? err.message : String(err)}`);
      }
    }
  })();
  await follow(api, paths).finally(() => {
    stopped = true;
  });
  await loop;
}
