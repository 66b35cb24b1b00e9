// `bricks dev`: the stack up, then every change to the sources rebuilds the services it reaches
// and rolls just those, with the same zero-downtime rules as a deploy. Changes are found by
// asking for a deploy every half second: the build's stat cache makes an unchanged one cost a
// few milliseconds, and polling needs no inotify watch per folder of node_modules.
import { ApiClient } from '../../platform/api/client.ts';
import { projectPaths } from '../../platform/paths.ts';
import type { GlobalOptions } from '../context.ts';
import { loadOrFail } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { printResult, runOperation } from './deploy.ts';
import { follow, up } from './up.ts';

/** Between checks for changes: quick enough to feel live, slow enough to batch an editor's saves. */
const POLL_MS = 500;

export async function dev(options: GlobalOptions): Promise<void> {
  await up({ ...options, detach: true });
  const stack = await loadOrFail(options);
  const paths = projectPaths(stack.dir);
  const api = await ApiClient.forProject(paths);
  console.log(color.dim('watching for changes; Ctrl-C stops the stack'));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (stopped) break;
      try {
        const result = await runOperation(api, '/v1/deploy', {}, false, true);
        if (result.outcome !== 'unchanged') printResult(result);
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
