// A throw-away git project for release tests: two plain-Node services whose source files we
// edit and commit, so each deploy is a real build of a real SHA.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ECHO, project } from './bricks.ts';
import type { Project } from './bricks.ts';

export interface ReleaseProject extends Project {
  /** Rewrites a service's source with this version string (and optional breakage), then commits. */
  setVersion(service: string, version: string, broken?: 'exit' | 'never-ready'): string;
  git(...args: string[]): string;
}

function source(version: string, broken?: 'exit' | 'never-ready'): string {
  const echo = readFileSync(ECHO, 'utf8');
  const prelude = [`process.env.VERSION = ${JSON.stringify(version)};`];
  if (broken === 'exit') prelude.push("console.error('broken build: exiting at start'); process.exit(3);");
  if (broken === 'never-ready') prelude.push("process.env.NEVER_READY = '1';");
  return `${prelude.join('\n')}\n${echo}`;
}

export interface ReleaseProjectOptions {
  /** Whether the project's .gitignore names `.bricks/` (default true), as `bricks init` writes it. */
  readonly ignoreState?: boolean;
}

export function releaseProject(t: TestContext, extraStack = '', options: ReleaseProjectOptions = {}): ReleaseProject {
  const stack = `
services:
  api:
    x-bricks:
      run: node services/api.mjs
      health: { ready: /readyz, live: /healthz }
      update: { ready_timeout: 3s }
    deploy:
      replicas: 2
      update_config: { monitor: 300ms }
  other:
    x-bricks:
      run: node services/other.mjs
      health: { ready: /readyz, live: /healthz }
    deploy:
      replicas: 1
${extraStack}`;
  const p = project(t, stack) as ReleaseProject;
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=bricks-test', '-c', 'user.email=test@bricks.invalid', ...args], { cwd: p.dir, encoding: 'utf8' }).trim();
  p.git = git;
  p.setVersion = (service, version, broken) => {
    writeFileSync(join(p.dir, 'services', `${service}.mjs`), source(version, broken));
    git('add', '-A');
    git('commit', '-qm', `${service} ${version}${broken ? ` (${broken})` : ''}`);
    return git('rev-parse', 'HEAD');
  };
  mkdirSync(join(p.dir, 'services'));
  writeFileSync(join(p.dir, 'services', 'api.mjs'), source('1'));
  writeFileSync(join(p.dir, 'services', 'other.mjs'), source('1'));
  writeFileSync(join(p.dir, 'package.json'), JSON.stringify({ name: 'release-test', private: true, type: 'module' }));
  writeFileSync(join(p.dir, 'package-lock.json'), JSON.stringify({ name: 'release-test', lockfileVersion: 3, requires: true, packages: { '': { name: 'release-test' } } }));
  if (options.ignoreState !== false) writeFileSync(join(p.dir, '.gitignore'), '.bricks/\n');
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'first');
  return p;
}
