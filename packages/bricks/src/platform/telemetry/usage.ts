// CPU and memory of replicas for `ps`. A replica is a process group (a shell command's
// children count too), so the group's processes are summed; pidusage samples each one.
import { readdirSync, readFileSync } from 'node:fs';
import pidusage from 'pidusage';

export interface Usage {
  /** Percent of one core since the previous sample, summed over the group. */
  readonly cpu: number;
  /** Resident set size in bytes, summed over the group. */
  readonly memory: number;
}

/** pid → process group id, for every process on the machine (from /proc). */
function processGroups(): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return groups; // not Linux: each leader stands alone
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 5 (pgrp), counted after the command name's closing paren.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      groups.set(pgrp, [...(groups.get(pgrp) ?? []), Number(name)]);
    } catch {
      // exited while listing
    }
  }
  return groups;
}

/** CPU in use by these replicas (process groups), in cores: for the autoscaler's cpu target. */
export async function cpuCores(leaders: readonly number[]): Promise<number> {
  const usage = await processUsage(leaders);
  let percent = 0;
  for (const u of usage.values()) percent += u.cpu;
  return percent / 100;
}

export async function processUsage(leaders: readonly number[]): Promise<Map<number, Usage>> {
  const out = new Map<number, Usage>();
  if (leaders.length === 0) return out;
  const groups = processGroups();
  for (const leader of leaders) {
    const members = groups.get(leader) ?? [leader];
    let cpu = 0;
    let memory = 0;
    for (const pid of members) {
      try {
        const s = await pidusage(pid);
        cpu += s.cpu;
        memory += s.memory;
      } catch {
        // gone between listing and sampling
      }
    }
    out.set(leader, { cpu: Math.round(cpu * 10) / 10, memory });
  }
  return out;
}
