// The runtime port over child processes: each replica gets a free loopback port and its own
// process group (process-driver.ts), listed with the reaper for as long as it runs, so that
// the replicas die with the daemon however it dies.
import { askToStop, killGroup, spawnReplica } from './process-driver.ts';
import type { ChildReplica } from './process-driver.ts';
import type { Exit, ReplicaController, ReplicaOutput, ReplicaRuntime, ReplicaSpec } from './port.ts';
import { freePort } from './ports.ts';

/** The part of the reaper a runtime uses: the list of groups to kill if the daemon dies. */
export interface GroupList {
  add(pgid: number): Promise<void>;
  remove(pgid: number): Promise<void>;
}

export class ProcessRuntime implements ReplicaRuntime {
  constructor(private readonly groups: GroupList) {}

  controller(spec: ReplicaSpec, output: ReplicaOutput): ReplicaController {
    return new ProcessController(spec, output, this.groups);
  }
}

class ProcessController implements ReplicaController {
  private child: ChildReplica | null = null;
  private readonly released: Promise<Exit>;
  private release: (exit: Exit) => void = () => undefined;

  constructor(
    private readonly spec: ReplicaSpec,
    private readonly output: ReplicaOutput,
    private readonly groups: GroupList,
  ) {
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  async prepare(): Promise<{ port: number }> {
    return { port: await freePort() };
  }

  async start(env: Readonly<Record<string, string>>): Promise<{ pid: number }> {
    const child = await spawnReplica({ command: this.spec.command, env, cwd: this.spec.cwd }, this.output);
    try {
      await this.groups.add(child.pid);
    } catch (err) {
      // Unlisted, it would outlive a daemon that dies: it does not run at all.
      await killGroup(child);
      throw err;
    }
    this.child = child;
    void child.exited.then(async (exit) => {
      // A groups file that still lists it is harmless: the next reaper checks the start time.
      await this.groups.remove(child.pid).catch(() => undefined);
      this.release(exit);
    });
    return { pid: child.pid };
  }

  wait(): Promise<Exit> {
    return this.released;
  }

  async shutdown(): Promise<void> {
    if (this.child === null) return;
    await askToStop(this.child);
    await this.released;
  }

  async terminate(): Promise<void> {
    if (this.child === null) return;
    await killGroup(this.child);
    await this.released;
  }
}
