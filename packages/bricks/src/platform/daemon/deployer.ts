// The deployer: turns the work tree into a release and rolls it out, or puts an earlier
// release back. One operation at a time. In a git work tree every deploy is a release
// (artifacts by digest, recorded by SHA); elsewhere the stack runs from its sources and
// there is no history to roll back to.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { artifactDir, buildStack, ENTRY_FILE, readManifest, workspaceRoot } from '../../artifacts/index.ts';
import { planEntry } from '../../artifacts/entry.ts';
import { formatProblem, loadStack, STACK_MODEL_VERSION } from '../../stack/index.ts';
import { localLimits } from '../local-limits.ts';
import type { Service, Stack } from '../../stack/model.ts';
import type { DeployProgress, DeployResult, PlatformEvent } from '../api/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { ProjectPaths } from '../paths.ts';
import { configDigest, isVersionOf } from '../reconciler/index.ts';
import type { FailureAction } from '../reconciler/index.ts';
import { collectArtifacts, diffServices, gitHead, gitState, modelOf, ReleaseError, ReleaseStore } from '../releases/index.ts';
import type { Release, ReleaseEntry, ReleasedService } from '../releases/index.ts';
import { DeployError } from './deploy-error.ts';
import { foldGroups, GroupError } from './groups.ts';
import type { MemberSpec } from './groups.ts';
import type { ServiceSpec } from './service-spec.ts';
import type { Supervisor } from './supervisor.ts';
import { addressProtocol } from './routing.ts';
import type { AddressProtocol } from './routing.ts';
import { localAmbassadorCommand, localBackingCommand } from '../backing/index.ts';
// The program's location only: the daemon never loads the gateway itself.
import { gatewayProgramArgv } from '../../gateway/program/location.ts';

export interface DeployerOptions {
  readonly stackFile: string;
  readonly paths: ProjectPaths;
  readonly supervisor: Supervisor;
  /** The daemon's event bus: rollouts are watched on it, releases told on it. */
  readonly events: EventBus<PlatformEvent>;
  /** Opens the service address of a service a deploy adds. */
  readonly addService: (name: string, protocol: AddressProtocol) => Promise<void>;
  /** Longest a rollout may take before the deploy gives up waiting (it goes on in the daemon). */
  readonly rolloutTimeoutMs?: number;
  /** The values of the stack's secrets and the files replicas hold them in (secrets/). */
  readonly secrets?: DeploySecrets;
}

/** What the deployer needs of the daemon's secrets: their values (read before anything rolls) and the replicas' files. */
export interface DeploySecrets {
  /** Reads every secret the stack uses, all or nothing; the names whose value changed. */
  refresh(stack: Stack): Promise<string[]>;
  /** What a unit's version adds for its secrets (empty when it rereads them in place). */
  versionOf(unit: Service): string;
  /** Replaces these secrets' files in place in every replica of the unit; how many replicas. */
  rewrite(unit: string, secrets: readonly string[]): Promise<number>;
}

type Mode = { readonly kind: 'releases'; readonly store: ReleaseStore; readonly rootDir: string } | { readonly kind: 'sources' };

/** Long enough for a slow service's readiness deadline (30 s) several times over. */
const DEFAULT_ROLLOUT_TIMEOUT_MS = 10 * 60_000;

export class Deployer {
  private queue: Promise<unknown> = Promise.resolve();
  /** Artifacts are named by their content, so a manifest read once stays true (`dev` asks twice a second). */
  private readonly manifests = new Map<string, ReturnType<typeof readManifest>>();
  private constructor(
    private readonly options: DeployerOptions,
    private readonly mode: Mode,
  ) {}

  /** Releases mode inside a git work tree with a commit, sources mode elsewhere. */
  static async open(options: DeployerOptions, log: (line: string) => void): Promise<Deployer> {
    const dir = dirname(options.stackFile);
    try {
      await gitHead(dir);
    } catch (err) {
      if (err instanceof ReleaseError && (err.code === 'not-git' || err.code === 'no-commit')) {
        log(`no releases: ${err.message}; services run from their sources`);
        return new Deployer(options, { kind: 'sources' });
      }
      throw err;
    }
    const store = await ReleaseStore.open(options.paths.releases);
    return new Deployer(options, { kind: 'releases', store, rootDir: workspaceRoot(dir) });
  }

  get releasesEnabled(): boolean {
    return this.mode.kind === 'releases';
  }

  /**
   * Daemon start: finish the books on a rollout a crash cut short, and run the current release.
   * `loaded` is the stack file as the daemon read it a moment before (not read again).
   */
  restore(log: (line: string) => void, loaded?: Stack): Promise<void> {
    return this.serialize(() => this.doRestore(log, loaded));
  }

  private async doRestore(log: (line: string) => void, loaded: Stack | undefined): Promise<void> {
    const mode = this.mode;
    if (mode.kind === 'sources') {
      const stack = loaded ?? (await this.loadStack());
      this.options.supervisor.apply(stack, this.localSpecs(sourceSpecs(stack)));
      return;
    }
    const report = await mode.store.recover();
    for (const note of report.notes) log(note);
    for (const { release: { id } } of report.unfinished) {
      await mode.store.mark(id, { kind: 'interrupted', reason: 'the daemon stopped during its rollout; the last completed release was put back' });
      log(`release #${id} was interrupted by a daemon stop: marked interrupted`);
    }
    const current = await mode.store.current();
    if (current === undefined) return;
    if (modelOf(current.release) !== STACK_MODEL_VERSION) {
      // The next deploy (every `bricks up` makes one) records this tree as a new release.
      log(`release #${current.release.id} was recorded by an older bricks; it is not run again, the work tree is deployed instead`);
      return;
    }
    const stack = loaded ?? (await this.loadStack().catch(() => null));
    await this.applyRelease(current.release, stack, undefined);
    log(`running release #${current.release.id} (${current.release.sha.slice(0, 12)})`);
  }

  deploy(progress: (p: DeployProgress) => void): Promise<DeployResult> {
    return this.serialize(() => this.doDeploy(progress));
  }

  rollback(ref: string, progress: (p: DeployProgress) => void): Promise<DeployResult> {
    return this.serialize(() => this.doRollback(ref, progress));
  }

  async history(): Promise<readonly ReleaseEntry[]> {
    return this.store().list();
  }

  store(): ReleaseStore {
    if (this.mode.kind === 'sources') {
      throw new DeployError('no-releases', `${dirname(this.options.stackFile)} is not in a git work tree with a commit: releases are named by git SHA (run \`git init && git commit\`)`);
    }
    return this.mode.store;
  }

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async loadStack(): Promise<Stack> {
    const loaded = await loadStack({ file: this.options.stackFile, check: localLimits });
    if (!loaded.ok) throw new DeployError('invalid-stack', loaded.problems.map(formatProblem).join('\n'));
    await this.refreshSecrets(loaded.stack);
    return loaded.stack;
  }

  /** Every secret value before anything rolls: a replica never starts with part of them. */
  private async refreshSecrets(stack: Stack): Promise<string[]> {
    try {
      return (await this.options.secrets?.refresh(stack)) ?? [];
    } catch (err) {
      throw new DeployError('secrets', `${err instanceof Error ? err.message : String(err)}; nothing was changed`, { cause: err });
    }
  }

  /** Each unit's version with its secrets' generations: a new value rolls just the units that use it. */
  /**
   * What this machine runs of each unit: a backing service runs bricks' local server for it
   * (its image is for the engines), an ambassador bricks' forwarder, a gateway bricks' gateway
   * program (whose version includes its descriptor set's), and a version includes the
   * versions of its secrets.
   */
  private localSpecs(specs: Record<string, ServiceSpec>): Record<string, ServiceSpec> {
    const secrets = this.options.secrets;
    const out: Record<string, ServiceSpec> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const { backing, bricks } = spec.config;
      const ambassador = bricks.ambassador;
      const gateway = bricks.gateway;
      const local =
        backing !== undefined ? { ...spec, command: localBackingCommand(spec.config, backing, this.options.paths.data) }
        : ambassador !== undefined ? { ...spec, command: localAmbassadorCommand(spec.config, ambassador) }
        // The descriptor set is the gateway's code: a new one rolls its replicas.
        : gateway !== undefined ? { ...spec, command: { kind: 'argv' as const, argv: gatewayProgramArgv() }, version: spec.version + descriptorsVersion(gateway.descriptors) }
        : spec;
      out[name] = secrets === undefined ? local : { ...local, version: local.version + secrets.versionOf(local.config) };
    }
    return out;
  }

  /**
   * `bricks secret set` has changed the store: reads the stack's secrets again and brings each
   * new value to the units that use it: in place for those that reread their files
   * (x-bricks.secret_rotation: in-place), by a rolling restart of just the others.
   */
  reloadSecrets(progress: (p: DeployProgress) => void): Promise<DeployResult> {
    return this.serialize(async () => {
      const sup = this.options.supervisor;
      const changed = await this.refreshSecrets(sup.stack);
      if (changed.length === 0) return { outcome: 'unchanged', release: null, sha: null, changed: [], detail: 'no secret a service uses changed' };
      const specs: Record<string, ServiceSpec> = {};
      const rolling: string[] = [];
      const inPlace: string[] = [];
      for (const name of sup.services()) {
        const spec = sup.spec(name);
        if (spec === undefined) continue;
        const uses = spec.config.secrets.filter((m) => changed.includes(m.source)).map((m) => m.source);
        const base = spec.version.replace(/\+s[0-9a-f]{8}$/, '');
        specs[name] = { ...spec, version: base + (this.options.secrets?.versionOf(spec.config) ?? '') };
        if (uses.length === 0) continue;
        // The same code with a new value: every replica is replaced at once (still in the service's
        // order, start-first by default, each taking traffic only once ready), so the new value is
        // everywhere in one replica start rather than one per replica.
        specs[name] = { ...specs[name], update: { parallelism: Number.MAX_SAFE_INTEGER } };
        if (spec.config.bricks.secretRotation === 'in-place') {
          const n = await this.options.secrets?.rewrite(name, uses);
          inPlace.push(name);
          progress({ kind: 'note', message: `${name}: ${uses.join(', ')} replaced in place in ${n ?? 0} replica(s)` });
        } else rolling.push(name);
      }
      if (rolling.length > 0) progress({ kind: 'note', message: `rolling restart of ${rolling.join(', ')} for ${changed.join(', ')}` });
      const verdict = rolling.length === 0 ? { ok: true, paused: false, changed: [], detail: '' } : await this.roll(sup.stack, specs, rolling);
      const detail = [inPlace.length > 0 ? `updated in place: ${inPlace.join(', ')}` : '', rolling.length > 0 ? `restarted: ${rolling.join(', ')}` : '', verdict.detail].filter((x) => x !== '').join('; ');
      return { outcome: verdict.ok ? 'completed' : verdict.paused ? 'paused' : 'failed', release: null, sha: null, changed: [...inPlace, ...verdict.changed], detail };
    });
  }

  private async doDeploy(progress: (p: DeployProgress) => void): Promise<DeployResult> {
    const stack = await this.loadStack();
    const mode = this.mode;
    if (mode.kind === 'sources') {
      const specs = this.localSpecs(sourceSpecs(stack));
      const changed = this.changedServices(specs);
      if (changed.length === 0) return { outcome: 'unchanged', release: null, sha: null, changed, detail: 'nothing changed' };
      const verdict = await this.roll(stack, specs, changed);
      return { outcome: verdict.ok ? 'completed' : verdict.paused ? 'paused' : 'failed', release: null, sha: null, changed, detail: verdict.detail };
    }
    const git = await gitState(stack.dir);
    const built = await buildStack(stack, {
      rootDir: mode.rootDir,
      outDir: this.options.paths.artifacts,
      onProgress: (event) => progress({ kind: 'build', event }),
    }).catch((err: unknown) => {
      throw new DeployError('build-failed', err instanceof Error ? err.message : String(err), { cause: err });
    });
    const services: Record<string, ReleasedService> = {};
    for (const a of built.services) {
      const config = stack.services[a.service];
      if (config !== undefined) services[a.service] = { digest: a.digest, config };
    }
    const current = await mode.store.current();
    const changes = current === undefined ? Object.keys(services) : diffServices(current.release.services, services).map((c) => c.name);
    // A release is a change of what runs: a commit or an edit that no service reaches (a README,
    // a test) records nothing, so the history lists real changes only and `dev` stays quiet.
    if (current !== undefined && changes.length === 0 && this.running(current.release)) {
      const sameTree = current.release.sha === git.sha && current.release.dirtyHash === git.dirtyHash;
      const detail = sameTree ? `release #${current.release.id} already runs this tree` : `no service changed since release #${current.release.id} (${current.release.sha.slice(0, 12)}), which keeps running`;
      return { outcome: 'unchanged', release: current.release.id, sha: git.sha, changed: [], detail };
    }
    const id = await mode.store.record({ sha: git.sha, dirty: git.dirty, dirtyHash: git.dirtyHash, services, kind: 'deploy' });
    await mode.store.mark(id, { kind: 'started' });
    this.emitRelease(id, git.sha, 'rolling', changes, '');
    await collectArtifacts(mode.store, this.options.paths.artifacts).catch(() => undefined);
    const release = (await mode.store.get(id)) as Release;
    const verdict = await this.applyRelease(release, stack, undefined);
    if (verdict.ok) {
      await mode.store.mark(id, { kind: 'completed' });
      this.emitRelease(id, git.sha, 'completed', verdict.changed, '');
      return { outcome: 'completed', release: id, sha: git.sha, changed: verdict.changed, detail: `release #${id} is running` };
    }
    await mode.store.mark(id, { kind: 'failed', reason: verdict.detail });
    this.emitRelease(id, git.sha, 'failed', verdict.changed, verdict.detail);
    // A release of an older bricks cannot be run again (see restore): no automatic rollback to it.
    if (verdict.paused || current === undefined || modelOf(current.release) !== STACK_MODEL_VERSION) {
      return { outcome: verdict.paused ? 'paused' : 'failed', release: id, sha: git.sha, changed: verdict.changed, detail: verdict.detail };
    }
    // Automatic rollback: the previous release as a whole, and never rolled back itself.
    progress({ kind: 'note', message: `release #${id} failed (${verdict.detail}); rolling back to #${current.release.id}` });
    const back = await this.applyRelease(current.release, stack, 'pause');
    await mode.store.mark(id, { kind: 'rolled-back', reason: verdict.detail, to: current.release.id });
    this.emitRelease(id, git.sha, 'rolled-back', back.changed, verdict.detail);
    return {
      outcome: 'rolled-back',
      release: id,
      sha: git.sha,
      changed: verdict.changed,
      detail: `${verdict.detail}; rolled back to release #${current.release.id}${back.ok ? '' : ` (which did not settle either: ${back.detail})`}`,
    };
  }

  private async doRollback(ref: string, progress: (p: DeployProgress) => void): Promise<DeployResult> {
    const store = this.store();
    const target = await store.resolve(ref).catch((err: unknown) => {
      throw new DeployError('bad-ref', err instanceof Error ? err.message : String(err), { cause: err });
    });
    if (modelOf(target.release) !== STACK_MODEL_VERSION) {
      throw new DeployError(
        'old-release',
        `release #${target.release.id} (${target.release.sha.slice(0, 12)}) was recorded by an older bricks, whose saved configuration this version cannot run; ` +
          `deploy that commit again instead: git checkout ${target.release.sha.slice(0, 12)} && bricks deploy`,
      );
    }
    const current = await store.current();
    const changes = current === undefined ? Object.keys(target.release.services) : diffServices(current.release.services, target.release.services).map((c) => c.name);
    progress({ kind: 'note', message: `rolling back to release #${target.release.id} (${target.release.sha.slice(0, 12)}): ${changes.length === 0 ? 'no service differs' : changes.join(', ')}` });
    const id = await store.record({
      sha: target.release.sha,
      dirty: target.release.dirty,
      dirtyHash: target.release.dirtyHash,
      services: target.release.services,
      kind: 'rollback',
      rollbackOf: target.release.id,
    });
    await store.mark(id, { kind: 'started' });
    this.emitRelease(id, target.release.sha, 'rolling', changes, `rollback to #${target.release.id}`);
    const release = (await store.get(id)) as Release;
    const stack = await this.loadStack().catch(() => null);
    // A rollback is never itself rolled back: on failure it pauses where it is.
    const verdict = await this.applyRelease(release, stack, 'pause');
    if (verdict.ok) {
      await store.mark(id, { kind: 'completed' });
      this.emitRelease(id, release.sha, 'completed', verdict.changed, '');
      return { outcome: 'completed', release: id, sha: release.sha, changed: verdict.changed, detail: `release #${target.release.id}'s artifacts run again as #${id}` };
    }
    await store.mark(id, { kind: 'failed', reason: verdict.detail });
    this.emitRelease(id, release.sha, 'failed', verdict.changed, verdict.detail);
    return { outcome: 'failed', release: id, sha: release.sha, changed: verdict.changed, detail: verdict.detail };
  }

  /** Is every unit of the release running its version already (nothing to roll)? */
  private running(release: Release): boolean {
    try {
      return this.changedServices(this.releaseSpecs(release)).length === 0;
    } catch {
      return false;
    }
  }

  private async applyRelease(release: Release, stack: Stack | null, failureAction: FailureAction | undefined): Promise<Verdict> {
    const specs = this.releaseSpecs(release, failureAction);
    const configs: Record<string, Service> = {};
    for (const [name, s] of Object.entries(release.services)) configs[name] = s.config;
    const base = stack ?? this.options.supervisor.stack;
    return this.roll({ ...base, services: configs }, specs, this.changedServices(specs));
  }

  /** What each unit of a release runs: its artifact, with groups folded into one process. */
  private releaseSpecs(release: Release, failureAction?: FailureAction): Record<string, ServiceSpec> {
    const mode = this.mode;
    if (mode.kind === 'sources') throw new DeployError('no-releases', 'sources mode has no releases');
    const members: Record<string, MemberSpec> = {};
    for (const [name, s] of Object.entries(release.services)) {
      const dir = artifactDir(this.options.paths.artifacts, s.digest);
      let manifest = existsSync(dir) ? this.manifests.get(s.digest) : undefined;
      try {
        manifest ??= readManifest(dir);
      } catch (err) {
        throw new DeployError('artifact-missing', `the artifact of ${name} (${s.digest.slice(0, 12)}) is gone from ${dir}; deploy again to rebuild it`, { cause: err });
      }
      this.manifests.set(s.digest, manifest);
      const [program, ...args] = manifest.command;
      const argv = [program === 'node' ? process.execPath : (program ?? ''), ...args];
      const cwd = manifest.inPlace ? join(mode.rootDir, manifest.workingDir ?? '') : dir;
      const spec: ServiceSpec = { config: s.config, command: { kind: 'argv', argv }, cwd, version: s.digest, ...(failureAction === undefined ? {} : { failureAction }) };
      members[name] = { spec, entry: manifest.inPlace ? null : join(dir, ENTRY_FILE) };
    }
    return this.localSpecs(fold(members, []));
  }

  private changedServices(specs: Readonly<Record<string, ServiceSpec>>): string[] {
    const sup = this.options.supervisor;
    const changed = Object.entries(specs)
      .filter(([name, spec]) => sup.spec(name)?.version !== spec.version || sup.spec(name)?.failureAction !== spec.failureAction)
      .map(([name]) => name);
    const removed = sup.services().filter((name) => specs[name] === undefined);
    return [...changed, ...removed];
  }

  /** Applies the specs and waits for a verdict on every service that had to change. */
  private async roll(stack: Stack, specs: Readonly<Record<string, ServiceSpec>>, changed: readonly string[]): Promise<Verdict> {
    const sup = this.options.supervisor;
    for (const [name, spec] of Object.entries(specs)) for (const member of spec.members ?? [name]) await this.options.addService(member, addressProtocol(spec.config));
    const waiting = new Map<string, string | null>();
    for (const name of changed) waiting.set(name, specs[name]?.version ?? null);
    const failures: string[] = [];
    let paused = false;
    const settled = new Promise<void>((resolve) => {
      const check = (): void => {
        if (waiting.size === 0) {
          unsubscribe();
          clearTimeout(timer);
          resolve();
        }
      };
      const unsubscribe = this.options.events.subscribe((e: PlatformEvent) => {
        if (e.type === 'service-removed' && waiting.get(e.service) === null) waiting.delete(e.service);
        if (e.type === 'rollout' && waiting.has(e.service) && isVersionOf(e.version, waiting.get(e.service))) {
          waiting.delete(e.service);
          if (e.state !== 'completed') failures.push(`${e.service}: ${e.reason ?? e.state}`);
          if (e.state === 'paused') paused = true;
        }
        check();
      });
      const timer = setTimeout(() => {
        for (const name of waiting.keys()) failures.push(`${name}: no verdict within ${(this.options.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS) / 1000} s`);
        waiting.clear();
        check();
      }, this.options.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS);
      sup.apply(stack, specs);
      // Services already at their version, or a rollout that settled before we listened.
      for (const name of [...waiting.keys()]) {
        const r = sup.rollout(name);
        if (r !== null && r.state !== 'rolling' && isVersionOf(r.version, waiting.get(name))) {
          waiting.delete(name);
          if (r.state !== 'completed') failures.push(`${name}: ${r.reason ?? r.state}`);
        }
      }
      check();
    });
    await settled;
    return { ok: failures.length === 0, paused, changed: [...changed], detail: failures.join('; ') };
  }

  private emitRelease(id: number, sha: string, state: Extract<PlatformEvent, { type: 'release' }>['state'], services: readonly string[], detail: string): void {
    this.options.events.emit({ type: 'release', id, sha, state, services, detail, at: Date.now() });
  }
}

interface Verdict {
  readonly ok: boolean;
  readonly paused: boolean;
  readonly changed: readonly string[];
  readonly detail: string;
}


/**
 * `+g` and 8 hex digits of the descriptor set's content (`-` while it cannot be read: the
 * replica then fails to start and says why), so an edited API rolls the gateway.
 */
function descriptorsVersion(file: string): string {
  try {
    return `+g${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 8)}`;
  } catch {
    return '+g-';
  }
}

/** Sources mode: each service runs its own command in its working_dir; its version is its config. */
export function sourceSpecs(stack: Stack): Record<string, ServiceSpec> {
  const members: Record<string, MemberSpec> = {};
  for (const [name, s] of Object.entries(stack.services)) {
    const command = s.run ?? { kind: 'argv' as const, argv: [] };
    const plan = planEntry(s);
    members[name] = { spec: { config: s, command, cwd: s.workingDir, version: configDigest(s) }, entry: plan.kind === 'bundle' ? plan.entry : null };
  }
  // TypeScript entries need tsx's loader in the group process, as they do in their own.
  return fold(members, ['--import', 'tsx']);
}

function fold(members: Readonly<Record<string, MemberSpec>>, nodeFlags: readonly string[]): Record<string, ServiceSpec> {
  try {
    return foldGroups(members, nodeFlags);
  } catch (err) {
    if (err instanceof GroupError) throw new DeployError('invalid-stack', err.message, { cause: err });
    throw err;
  }
}
