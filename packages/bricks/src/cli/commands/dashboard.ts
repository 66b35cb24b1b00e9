// `bricks dashboard`: a one-time login link to the running stack's dashboard (`bricks up` prints
// one too). The link opens a browser session once, within five minutes; it is not the API token.
import { spawn } from 'node:child_process';
import type { ApiClient } from '../../platform/api/client.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { color } from '../format/color.ts';

export async function loginLine(api: ApiClient): Promise<string | null> {
  // An older daemon has no dashboard: `up` goes on without the line.
  const login = await api.dashboardLogin().catch(() => null);
  if (login === null) return null;
  return `dashboard: ${color.bold(login.url)} ${color.dim('(a one-time login link, valid 5 minutes; `bricks dashboard` prints a new one)')}`;
}

export async function dashboard(options: GlobalOptions & { open?: boolean }): Promise<void> {
  const api = await clientOf(options);
  const login = await api.dashboardLogin().catch((e: unknown) => Promise.reject(fromApi(e)));
  console.log(login.url);
  if (options.open === true) {
    // The desktop's opener; where there is none the printed link is still there to click.
    const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const child = spawn(opener, [login.url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(color.dim(`could not run ${opener}: open the link above yourself`)));
    child.unref();
  }
}
