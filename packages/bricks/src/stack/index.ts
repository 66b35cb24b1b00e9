// The stack file subsystem: read, validate and normalize a Compose file into a Stack.
export { loadStack } from './load.ts';
export type { LoadOptions } from './load.ts';
export { findStackFile, STACK_FILE_NAMES } from './find.ts';
export { stackToJson } from './to-json.ts';
export { formatProblem } from './model.ts';
export type {
  Command,
  Dependency,
  DependsOnCondition,
  Health,
  LoadResult,
  Problem,
  ProblemCode,
  Probe,
  ProbeTiming,
  RestartCondition,
  RestartPolicy,
  Service,
  Stack,
} from './model.ts';
export { StackError, requireStack } from './errors.ts';
export type { StackErrorCode } from './errors.ts';

// For other parts of bricks that read Compose-format values or files of their own.
export { parseStack } from './load.ts';
export { parseDuration } from './duration.ts';
export { interpolate } from './interpolate.ts';
export { splitShellWords } from './shell-words.ts';
export { parseDotenv } from './dotenv.ts';
export { LOCAL_PROBE_TIMING } from './health.ts';
export { LOCAL_RESTART } from './restart.ts';
export { DEFAULT_PORT, DEFAULT_STOP_GRACE_MS } from './service.ts';
