// The stack file subsystem: read, validate and normalize a Compose file into a Stack.
export { loadStack } from './load.ts';
export type { LoadOptions } from './load.ts';
export { findStackFile, STACK_FILE_NAMES } from './find.ts';
export { stackToJson } from './to-json.ts';
export type { StackJson } from './to-json.ts';
export { stackToCompose } from './to-compose.ts';
export { formatProblem, STACK_MODEL_VERSION } from './model.ts';
export type * from './model.ts';
export { StackError, requireStack } from './errors.ts';
export type { StackErrorCode } from './errors.ts';
export { DEFAULT_PORT, servicePort } from './service-port.ts';
export { backingUrlVariables, connectionUrl, databasesOf, isPostgresImage, POSTGRES_PORT } from './backing.ts';

// For other parts of bricks that read Compose-format values or files of their own.
export { parseStack } from './load.ts';
export { interpolate } from './interpolate.ts';
export { splitShellWords } from './shell-words.ts';
export { parseDotenv } from './dotenv.ts';
