// Where a project's platform keeps its files: `.bricks/` beside the stack file.
import { join } from 'node:path';
import { STATE_DIR } from '../util/state-dir.ts';

export interface ProjectPaths {
  readonly dir: string;
  /** Control API token, mode 0600. */
  readonly token: string;
  /** The running daemon's pid and API address. */
  readonly daemon: string;
  /** What survives a daemon restart: service addresses, scale settings. */
  readonly state: string;
  /** Process groups the reaper kills if the daemon dies. */
  readonly groups: string;
  readonly logs: string;
  readonly daemonLog: string;
  /** Built artifacts, one directory per digest. */
  readonly artifacts: string;
  /** The release store. */
  readonly releases: string;
  /** Backing services' data, one directory per service (`bricks down --volumes` removes them). */
  readonly data: string;
}

export function projectPaths(projectDir: string): ProjectPaths {
  const dir = join(projectDir, STATE_DIR);
  return {
    dir,
    token: join(dir, 'token'),
    daemon: join(dir, 'daemon.json'),
    state: join(dir, 'state.json'),
    groups: join(dir, 'run', 'groups'),
    logs: join(dir, 'logs'),
    daemonLog: join(dir, 'daemon.log'),
    artifacts: join(dir, 'artifacts'),
    releases: join(dir, 'releases'),
    data: join(dir, 'data'),
  };
}

/** Contents of daemon.json. */
export interface DaemonInfo {
  readonly pid: number;
  /** The kernel's start time of that pid, to tell it from a later process that reused the pid. */
  readonly startTime?: number;
  readonly apiUrl: string;
  readonly startedAt: string;
  readonly stackFile: string;
}
