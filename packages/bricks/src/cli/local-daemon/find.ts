// Finding the project's running daemon: daemon.json says where its API is, the token file how
// to get in, and the pid (with its start time) whether that daemon still runs.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ApiClient } from '../../platform/api/client.ts';
import type { DaemonInfo, ProjectPaths } from '../../platform/paths.ts';
import { processStartTime } from '../../platform/runtime/index.ts';
import { CliError } from '../errors.ts';
import { pidAlive } from './liveness.ts';

export function readDaemonInfo(paths: ProjectPaths): DaemonInfo | null {
  try {
    return JSON.parse(readFileSync(paths.daemon, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

/** A client of the project's daemon; a `not-running` CliError when none runs. */
export async function findDaemon(paths: ProjectPaths): Promise<ApiClient> {
  let info: DaemonInfo;
  let token: string;
  try {
    info = JSON.parse(await readFile(paths.daemon, 'utf8')) as DaemonInfo;
    token = (await readFile(paths.token, 'utf8')).trim();
  } catch {
    throw new CliError('not-running', `no bricks daemon runs for ${paths.dir}: start one with \`bricks up\``);
  }
  // The pid must still be the daemon that wrote the file: pids are reused.
  const sameProcess = info.startTime === undefined || processStartTime(info.pid) === info.startTime;
  if (!pidAlive(info.pid) || !sameProcess) throw new CliError('not-running', `the bricks daemon (pid ${info.pid}) is not running: start it with \`bricks up\``);
  return new ApiClient(info.apiUrl, token);
}
