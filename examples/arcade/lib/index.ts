// What arcade's services share: config shapes, their PostgreSQL database, how they stop.
export { databaseConfig, listenConfig } from './config.ts';
export { databasePassword, openDatabase } from './database.ts';
export type { Database, Sql } from './database.ts';
export { stopOnSignals } from './lifecycle.ts';
