// The orphan guard. A tiny `sh` sits on a pipe from the daemon; when the daemon dies in any
// way (even kill -9) the pipe closes and the reaper kills every replica process group
// listed in the groups file, and removes the replicas' folder of secret files. The file is rewritten atomically on every change, so the reaper
// never reads half of it. A next daemon also reads it at start to clean up after a reaper
// that did not get to run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { signalGroup } from './process-driver.ts';

const REAPER_SCRIPT = `
while read -r _; do :; done
if [ -f "$1" ]; then
  while read -r pg _; do [ -n "$pg" ] && kill -s KILL -- "-$pg" 2>/dev/null; done < "$1"
fi
[ -n "$2" ] && rm -rf -- "$2"
exit 0
`;

export class Reaper {
  private readonly groups = new Map<number, number>();
  private child: ChildProcess | null = null;
  /** Writes run one after another, each with the latest groups: concurrent renames could land out of order. */
  private writing: Promise<void> = Promise.resolve();

  /** `secretsRoot`: the replicas' folder of secret files (secrets/replica-files.ts), gone with them. */
  constructor(
    private readonly groupsFile: string,
    private readonly secretsRoot = '',
  ) {}

  /** Kills groups a previous daemon left behind, then starts guarding. */
  async start(): Promise<number> {
    const killed = killLeftoverGroups(this.groupsFile);
    await this.write();
    this.child = spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'bricks-reaper', this.groupsFile, this.secretsRoot], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    this.child.unref();
    return killed;
  }

  async add(pgid: number): Promise<void> {
    this.groups.set(pgid, processStartTime(pgid) ?? 0);
    await this.write();
  }

  async remove(pgid: number): Promise<void> {
    if (this.groups.delete(pgid)) await this.write();
  }

  /** A clean shutdown: nothing left to reap, so the reaper just exits. */
  async stop(): Promise<void> {
    this.groups.clear();
    await this.write();
    this.child?.stdin?.end();
    this.child = null;
  }

  private write(): Promise<void> {
    const next = this.writing.then(() => {
      const text = [...this.groups].map(([pgid, start]) => `${pgid} ${start}\n`).join('');
      // Not durable: after a machine crash no replica is left to reap.
      return writeFileAtomic(this.groupsFile, text, 0o644, { durable: false });
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/** Kills the groups listed in a groups file that still run the process we started. */
export function killLeftoverGroups(file: string): number {
  let killed = 0;
  for (const [pgid, startTime] of readGroups(file)) {
    // Only if the pid still belongs to the process we started (pids are reused).
    if (processStartTime(pgid) === startTime && signalGroup(pgid, 'SIGKILL')) killed++;
  }
  return killed;
}

function readGroups(file: string): Map<number, number> {
  const groups = new Map<number, number>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return groups;
  }
  for (const line of text.split('\n')) {
    const [pgid, start] = line.trim().split(' ').map(Number);
    if (pgid !== undefined && pgid > 0 && start !== undefined && !Number.isNaN(start)) groups.set(pgid, start);
  }
  return groups;
}

/** The kernel's start time of a process (clock ticks since boot), or null if it is gone. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces, so count from its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}
