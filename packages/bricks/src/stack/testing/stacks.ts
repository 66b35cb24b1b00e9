// Test helpers: stacks made by the real parser from Compose data, so a test of a renderer or
// of the platform sees exactly what loading a file gives. Tests only.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseStack } from '../load.ts';
import { formatProblem } from '../model.ts';
import type { Service, Stack } from '../model.ts';

/** A Compose document (as plain data) parsed as `<dir>/bricks.yaml`; throws with every problem. */
export function stackFrom(doc: Record<string, unknown>, dir = '/project', files: Readonly<Record<string, string>> = {}): Stack {
  const file = join(dir, 'bricks.yaml');
  const r = parseStack(stringify(doc), file, {}, (p) => files[p] ?? null);
  if (!r.ok) throw new Error(`the test stack is invalid:\n${r.problems.map(formatProblem).join('\n')}`);
  return r.stack;
}

/** One service from its Compose map, parsed as the only service of a stack in `dir`. */
export function serviceFrom(name: string, compose: Record<string, unknown> = {}, dir = '/project'): Service {
  const s = stackFrom({ services: { [name]: compose } }, dir).services[name];
  if (s === undefined) throw new Error(`no service ${name}`);
  return s;
}

/** A stack around services made elsewhere (with no top-level sections). */
export function stackOf(dir: string, services: readonly Service[], name = 'fixture'): Stack {
  return {
    name,
    file: join(dir, 'bricks.yaml'),
    dir,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    volumes: {},
    networks: {},
    secrets: {},
    configs: {},
    bricks: {},
  };
}
