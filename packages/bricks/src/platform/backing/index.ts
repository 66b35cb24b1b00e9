// Backing services on the local target: the program a local database replica runs, where its
// data lives; and the program behind an ambassador (a local address for a remote API).
export { backingDataDir, LOCAL_POSTGRES_DEFAULT, localBackingCommand, POSTGRES_SERVER } from './local-postgres.ts';
export { AMBASSADOR, ambassadorArgs, localAmbassadorCommand } from './local-ambassador.ts';
