// pnpm-lock.yaml and yarn 2+'s yarn.lock are YAML: a syntax error becomes a lockfile error at
// the file's line and column, with what to run to write the file again.
import { parse, YAMLError } from 'yaml';
import { BuildError } from '../errors.ts';

export function parseLockfileYaml(path: string, text: string, rewrite: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    const at = err instanceof YAMLError ? err.linePos?.[0] : undefined;
    // yaml's message ends with an excerpt of the file after its first line; the position says where.
    const what = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new BuildError('lockfile-invalid', `${path}${at === undefined ? '' : `:${at.line}:${at.col}`}: not valid YAML (${what}); run ${rewrite} to write it again`, { cause: err });
  }
}
