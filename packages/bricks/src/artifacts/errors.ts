// The build layer's one error class: a closed set of codes, the original failure kept as `cause`.
import { CodedError, messageOf } from '../util/coded-error.ts';

export type BuildErrorCode =
  /** `only` names a service the stack does not have. */
  | 'unknown-service'
  /** The entry file (from `x-bricks.entry` or the run command) does not exist. */
  | 'entry-not-found'
  /** esbuild rejected the sources; `location` points at the first error. */
  | 'bundle-failed'
  /**
   * The workspace root has no lockfile, lockfiles of two package managers, or one bricks cannot
   * read (npm's lockfileVersion 2/3, pnpm's 6.0–9.0, yarn 1's or yarn 2+'s yarn.lock with node_modules).
   */
  | 'lockfile-invalid'
  /** An in-place service whose working_dir is not inside a git work tree. */
  | 'not-git'
  /** Reading or writing the artifact directory failed. */
  | 'io'
  /** One or more services failed; each is in `failures`. */
  | 'build-failed';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class BuildError extends CodedError<BuildErrorCode> {
  override readonly name = 'BuildError';
  readonly service: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly failures: readonly BuildError[];

  constructor(
    code: BuildErrorCode,
    message: string,
    options: {
      cause?: unknown;
      service?: string;
      location?: SourceLocation;
      failures?: readonly BuildError[];
    } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.service = options.service;
    this.location = options.location;
    this.failures = options.failures ?? [];
  }

  /**
   * Wraps anything thrown below the build layer, naming the service it was building; a
   * BuildError passes through unchanged. Not CodedError.wrap: the service is one more field.
   */
  static from(err: unknown, code: BuildErrorCode = 'io', service?: string): BuildError {
    if (err instanceof BuildError) return err;
    return new BuildError(code, messageOf(err), { cause: err, ...(service === undefined ? {} : { service }) });
  }
}
