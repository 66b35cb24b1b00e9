// Backing services on the local target: the program a local database replica runs, where its
// data lives, and the plain TCP service address its clients reach it at.
export { backingDataDir, LOCAL_POSTGRES_DEFAULT, localBackingCommand, POSTGRES_SERVER } from './local-postgres.ts';
