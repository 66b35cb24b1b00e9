// What arcade's services share: config shapes, where their data lives, their PGlite database,
// how they stop.
export { dataConfig, listenConfig } from './config.ts';
export { defaultDataDir, stackDir } from './data-dir.ts';
export { databasePassword, openDatabase } from './database.ts';
export type { Database, Sql } from './database.ts';
export { stopOnSignals } from './lifecycle.ts';
