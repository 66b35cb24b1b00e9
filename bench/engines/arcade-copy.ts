// A copy of examples/arcade for a benchmark: inside the repo's git-ignored .tmp/ (so its
// packages resolve from the root node_modules), with its own .bricks/, its own stack name and
// a free published port for the gateway, so it never meets a developer's running arcade.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCADE_PARTS } from '../../test/helpers/arcade-copy.ts';
import { freePort } from './ports.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARCADE = join(ROOT, 'examples', 'arcade');

export interface ArcadeCopy {
  readonly dir: string;
  readonly file: string;
  readonly name: string;
  /** The gateway's published port (Swarm). */
  readonly port: number;
  remove(): void;
}

/**
 * What catalog and scores run with `databases: false`: their process, port and readiness
 * without opening the database, so a start measures the platform rather than the database's work.
 */
const NO_DATABASE_MAIN = `// Startup benchmark stand-in: the service's process, port and readiness, without its database.
import { config, serve } from '@bricks/sdk';
import { z } from 'zod';
import { listenConfig, stopOnSignals } from '../../lib/index.ts';

const env = config(z.object({ ...listenConfig }));
const server = await serve({ services: [], host: env.HOST, handleSignals: false });
stopOnSignals(server);
`;

export async function arcadeCopy(label: string, opts: { databases?: boolean } = {}): Promise<ArcadeCopy> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', `bench-${label}-`));
  for (const part of ARCADE_PARTS) cpSync(join(ARCADE, part), join(dir, part), { recursive: true });
  const name = `arcade-bench-${label}-${process.pid}`;
  const port = await freePort();
  const file = join(dir, 'bricks.yaml');
  const original = readFileSync(file, 'utf8');
  const yaml = original.replace(/^name: arcade$/m, `name: ${name}`).replace('"8080:8080"', `"${port}:8080"`);
  if (!yaml.includes(`name: ${name}`) || !yaml.includes(`"${port}:8080"`)) {
    throw new Error('examples/arcade/bricks.yaml changed shape: the benchmark cannot rename the stack or move the gateway port');
  }
  writeFileSync(file, yaml);
  if (opts.databases === false) for (const service of ['catalog', 'scores']) writeFileSync(join(dir, 'services', service, 'main.ts'), NO_DATABASE_MAIN);
  return { dir, file, name, port, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
