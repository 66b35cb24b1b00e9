// Finds what to bundle for a service: `x-bricks.entry`, else the script its local run command
// starts (`node [--import tsx] file.ts`, `tsx file.ts`, `node file.js`). No entry = run in place.
import { basename, resolve } from 'node:path';
import type { Command, Service } from '../stack/model.ts';

export type EntryPlan =
  | {
      readonly kind: 'bundle';
      /** Absolute path of the entry source. */
      readonly entry: string;
      /** Node flags from the run command that still apply to the bundle (tsx loaders removed). */
      readonly nodeFlags: readonly string[];
      /** Arguments after the script in the run command. */
      readonly args: readonly string[];
    }
  | {
      readonly kind: 'in-place';
      /** The run command as argv (a shell script becomes `sh -c`); empty when the service has none. */
      readonly command: readonly string[];
    };

const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
/** Node flags whose value is the next argument when written without `=`. */
const NODE_VALUE_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '-r', '--require', '--conditions', '-C', '--env-file', '--inspect-port', '--title']);
const TSX_VALUE_FLAGS = new Set(['--tsconfig']);
/** Loader registrations that only exist to run TypeScript; a bundle does not need them. */
const TSX_LOADERS = new Set(['tsx', 'tsx/esm', 'tsx/cjs']);
/** Shell scripts we read as plain argv: words only, no quoting, expansion, pipes or lists. */
const SIMPLE_SHELL = /^[\w@%+=:,./-]+(?:\s+[\w@%+=:,./-]+)*$/;

export function planEntry(service: Service): EntryPlan {
  const argv = commandArgv(service.run);
  const parsed = argv ? parseRunArgv(argv) : null;
  const explicit = service.bricks['entry'];
  if (typeof explicit === 'string' && explicit !== '') {
    return {
      kind: 'bundle',
      entry: resolve(service.workingDir, explicit),
      nodeFlags: parsed?.nodeFlags ?? [],
      args: parsed?.args ?? [],
    };
  }
  if (parsed) return { kind: 'bundle', entry: resolve(service.workingDir, parsed.script), nodeFlags: parsed.nodeFlags, args: parsed.args };
  return { kind: 'in-place', command: inPlaceCommand(service.run) };
}

function inPlaceCommand(run: Command | null): readonly string[] {
  if (run === null) return [];
  switch (run.kind) {
    case 'argv':
      return run.argv;
    case 'shell':
      return ['sh', '-c', run.script];
  }
}

function commandArgv(run: Command | null): readonly string[] | null {
  if (run === null) return null;
  switch (run.kind) {
    case 'argv':
      return run.argv;
    case 'shell': {
      const script = run.script.trim();
      return SIMPLE_SHELL.test(script) ? script.split(/\s+/) : null;
    }
  }
}

interface ParsedRun {
  readonly script: string;
  readonly nodeFlags: readonly string[];
  readonly args: readonly string[];
}

/** Exported for tests. */
export function parseRunArgv(argv: readonly string[]): ParsedRun | null {
  let i = 0;
  // `FOO=bar node main.js` in a simple shell script.
  while (i < argv.length && /^[A-Za-z_]\w*=/.test(argv[i] ?? '')) i++;
  let program = basename(argv[i] ?? '');
  if (program === 'npx' || program === 'exec') {
    i++;
    while (i < argv.length && (argv[i] ?? '').startsWith('-')) i++;
    program = basename(argv[i] ?? '');
  }
  i++;
  const nodeFlags: string[] = [];
  if (program === 'node' || program === 'nodejs') {
    while (i < argv.length && (argv[i] ?? '').startsWith('-')) {
      const flag = argv[i] ?? '';
      const takesValue = NODE_VALUE_FLAGS.has(flag);
      const value = takesValue ? (argv[i + 1] ?? '') : flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '';
      const name = flag.includes('=') ? flag.slice(0, flag.indexOf('=')) : flag;
      const isTsxLoader = ['--import', '--loader', '--experimental-loader', '-r', '--require'].includes(name) && TSX_LOADERS.has(value);
      if (!isTsxLoader) nodeFlags.push(...(takesValue ? [flag, value] : [flag]));
      i += takesValue ? 2 : 1;
    }
  } else if (program === 'tsx') {
    if (argv[i] === 'watch') i++;
    while (i < argv.length && (argv[i] ?? '').startsWith('-')) i += TSX_VALUE_FLAGS.has(argv[i] ?? '') ? 2 : 1;
  } else {
    return null;
  }
  const script = argv[i];
  if (script === undefined || !SCRIPT.test(script)) return null;
  return { script, nodeFlags, args: argv.slice(i + 1) };
}
