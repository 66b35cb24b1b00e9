// Configuration: typed env config, durations, and what the platform passes in the environment.
export { config, ConfigError } from './config.ts';
export type { ConfigIssue } from './config.ts';
export { DURATION_EXPECTED, formatDuration, parseDuration, readDuration } from './duration.ts';
export type { ParsedDuration } from './duration.ts';
export { duration } from './duration-schema.ts';
export { readPlatformEnv, serviceUrl, serviceUrlVariable } from './platform-env.ts';
export type { PlatformEnv } from './platform-env.ts';
export { secret, secretPath } from './secret.ts';
