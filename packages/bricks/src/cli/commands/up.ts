// `bricks up`: validate the stack, start the project's daemon, and either follow it in the
// foreground (live status and logs; Ctrl-C stops everything) or return once all is ready (-d).
import { spawn } from 'node:child_process';
import { openSync, readFileSync, closeSync, mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ApiClient, pidAlive } from '../../platform/api/client.ts';
import type { LogLine, PlatformEvent, StatusDoc } from '../../platform/api/contract/index.ts';
import { projectPaths } from '../../platform/paths.ts';
import { NOTIFY_FD, NOTIFY_FD_VARIABLE, onReadyNotice } from '../../platform/runtime/index.ts';
import type { DaemonInfo, ProjectPaths } from '../../platform/paths.ts';
import type { GlobalOptions } from '../context.ts';
import { fromApi, loadOrFail } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { printResult, runOperation } from './deploy.ts';
import { formatLogLine } from './logs.ts';
import { renderPs } from './ps.ts';
import { waitForExit } from './down.ts';
import { packagePath } from '../../util/package-root.ts';

export interface UpOptions extends GlobalOptions {
  readonly detach?: boolean;
  /** Seconds to wait for every service to be ready with -d. */
  readonly wait?: string;
}

export async function up(options: UpOptions): Promise<void> {
  const stack = await loadOrFail(options);
  const paths = projectPaths(stack.dir);
  let api = await ApiClient.forProject(paths).catch(() => null);
  if (api !== null) {
    console.log(`bricks is already up for ${stack.file} (${api.url}); deploying what changed`);
  } else {
    api = await startDaemonProcess(stack.file, paths);
  }
  // `up` runs the work tree as it is: a deploy (a release in a git work tree), which touches
  // nothing when the running release already is this tree.
  const result = await runOperation(api, '/v1/deploy', {});
  if (result.outcome !== 'unchanged') printResult(result);
  if (options.detach === true) {
    await waitUntilReady(api, Number(options.wait ?? '60') * 1000);
    return;
  }
  await follow(api, paths);
}

async function startDaemonProcess(stackFile: string, paths: ProjectPaths): Promise<ApiClient> {
  mkdirSync(paths.dir, { recursive: true });
  const out = openSync(paths.daemonLog, 'a');
  // The daemon starts through the same launcher as the CLI (the bundle when it is fresh). It
  // says READY=1 on descriptor 3 once daemon.json is written (its ready notice), so we need
  // not poll for that file; the slow poll only covers a daemon that cannot say so.
  const child = spawn(process.execPath, [packagePath('bin', 'bricks.js'), '__daemon', stackFile], {
    detached: true,
    stdio: ['ignore', out, out, 'pipe'],
    env: { ...process.env, [NOTIFY_FD_VARIABLE]: String(NOTIFY_FD) },
    cwd: paths.dir,
  });
  closeSync(out);
  child.unref();
  const pid = child.pid ?? -1;
  let exited = false;
  let wake: () => void = () => {};
  child.once('exit', () => {
    exited = true;
    wake();
  });
  const notices = child.stdio[NOTIFY_FD] as Readable | null;
  onReadyNotice(notices, () => wake());
  const deadline = Date.now() + 30_000;
  process.stdout.write(color.dim('starting the bricks daemon'));
  try {
    for (;;) {
      if (exited) {
        process.stdout.write('\n');
        throw new CliError('failed', `the bricks daemon stopped at start:\n${tail(paths.daemonLog, 20)}`);
      }
      const info = readDaemonInfo(paths);
      if (info !== null && info.pid === pid) {
        process.stdout.write(color.dim(` (pid ${pid})\n`));
        return await ApiClient.forProject(paths);
      }
      if (Date.now() > deadline) throw new CliError('failed', `the bricks daemon did not come up within 30 s; see ${paths.daemonLog}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    // The daemon runs on: nothing of it may keep this process alive.
    notices?.destroy();
    child.removeAllListeners('exit');
  }
}

function readDaemonInfo(paths: ProjectPaths): DaemonInfo | null {
  try {
    return JSON.parse(readFileSync(paths.daemon, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Prints each service's condition as it changes, until all are ready. The status is read
 * again on each of the daemon's events (a replica started, became ready, exited), so the
 * command returns as soon as the last replica is ready; the slow poll only covers a broken
 * event stream.
 */
export async function waitUntilReady(api: ApiClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  const controller = new AbortController();
  let pending = false;
  let wake: () => void = () => {};
  // With history: the first event arrives once the subscription is in place, so no change
  // can fall between it and a status read.
  const events = (async () => {
    for await (const _ of api.stream<PlatformEvent>('/v1/events?history=1', controller.signal)) {
      pending = true;
      wake();
    }
  })().catch(() => undefined);
  try {
    for (;;) {
      pending = false;
      const status = await api.get<StatusDoc>('/v1/status?usage=0').catch((e: unknown) => Promise.reject(fromApi(e)));
      for (const s of status.services) {
        const line = `${s.condition} ${s.ready}/${s.desired}`;
        if (seen.get(s.name) !== line) {
          seen.set(s.name, line);
          console.log(`  ${s.name.padEnd(16)} ${line}`);
        }
      }
      const failed = status.services.filter((s) => s.condition === 'failed' || s.condition === 'crash-looping');
      if (failed.length > 0) {
        throw new CliError('failed', `${failed.map((s) => `${s.name} is ${s.condition}`).join(', ')}; see \`bricks logs ${failed.map((s) => s.name).join(' ')}\``);
      }
      if (status.services.every((s) => s.ready >= s.desired)) {
        const full = await api.get<StatusDoc>('/v1/status').catch(() => status);
        console.log(`\n${renderPs(full, Date.now())}\n\n${color.green('up')}: every service is ready. \`bricks logs -f\` follows them, \`bricks down\` stops them.`);
        return;
      }
      if (Date.now() > deadline) {
        const waiting = status.services.filter((s) => s.ready < s.desired).map((s) => s.name);
        throw new CliError('failed', `not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}; the daemon keeps trying (\`bricks ps\`, \`bricks logs\`)`);
      }
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
      }
    }
  } finally {
    controller.abort();
    await events;
  }
}

/** Foreground: events and logs as they come; Ctrl-C (or SIGTERM) stops the whole stack. */
export async function follow(api: ApiClient, paths: ProjectPaths): Promise<void> {
  const controller = new AbortController();
  const info = readDaemonInfo(paths);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(color.dim('\nstopping the stack (Ctrl-C again leaves it running in the background)'));
    process.once('SIGINT', () => process.exit(130));
    await api.post('/v1/down', {}).catch(() => undefined);
    if (info !== null) await waitForExit(info.pid, 120_000);
    controller.abort();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const events = (async () => {
    for await (const e of api.stream<PlatformEvent>('/v1/events?history=1', controller.signal)) {
      const line = describeEvent(e);
      if (line !== null) console.log(line);
      if (e.type === 'platform' && e.state === 'down') controller.abort();
    }
  })();
  const logLines = (async () => {
    for await (const l of api.stream<LogLine>('/v1/logs?follow=1&tail=0', controller.signal)) console.log(formatLogLine(l));
  })();
  const watchdog = setInterval(() => {
    if (info !== null && !pidAlive(info.pid)) controller.abort();
  }, 500);
  await Promise.allSettled([events, logLines]);
  clearInterval(watchdog);
  if (!stopping) throw new CliError('failed', `the bricks daemon went away; see ${paths.daemonLog}`);
}

export function describeEvent(e: PlatformEvent): string | null {
  const tag = color.bold('bricks');
  switch (e.type) {
    case 'replica-started':
      return `${tag} ${e.replica} started (pid ${e.pid}, port ${e.port})`;
    case 'replica-ready':
      return `${tag} ${e.replica} ${color.green('ready')}`;
    case 'replica-unready':
      return `${tag} ${e.replica} ${color.yellow('not ready')}: ${e.detail}`;
    case 'replica-stopping':
      return `${tag} ${e.replica} stopping (${e.reason})`;
    case 'replica-exited':
      return e.expected
        ? `${tag} ${e.replica} stopped`
        : `${tag} ${e.replica} ${color.red('exited')} ${e.signal ?? `code ${e.code}`}`;
    case 'replica-failed-to-start':
      return `${tag} ${e.replica} ${color.red('failed to start')}: ${e.error}`;
    case 'service-condition':
      return `${tag} ${e.service} is ${e.condition}`;
    case 'scaled':
      return `${tag} ${e.service} scaled to ${e.replicas}`;
    case 'platform':
      return `${tag} platform ${e.state}`;
    case 'proxy':
      return `${tag} ${e.service} proxy: ${e.detail}`;
    case 'rollout':
      return `${tag} ${e.service} rollout ${e.state === 'completed' ? color.green('completed') : color.red(e.state)}${e.reason === null ? '' : `: ${e.reason}`}`;
    case 'release':
      return `${tag} release #${e.id} (${e.sha.slice(0, 12)}) ${e.state}${e.services.length > 0 ? ` [${e.services.join(', ')}]` : ''}${e.detail ? `: ${e.detail}` : ''}`;
    case 'restarting':
      return `${tag} ${e.service} restarting`;
    case 'service-removed':
      return `${tag} ${e.service} removed`;
    case 'replica-starting':
    case 'routes':
      return null;
  }
}
