// catalog: the list of games, in the stack's PostgreSQL (the backing service `db`). It keeps
// nothing of its own, so it runs as many replicas as it likes and any of them may die.
import { config, logger, serve } from '@bricks/sdk';
import { z } from 'zod';
import { databaseConfig, databasePassword, listenConfig, openDatabase, stopOnSignals } from '../../lib/index.ts';
import { catalogService } from './handlers.ts';
import { CATALOG_SCHEMA, CatalogStore } from './store.ts';

const env = config(z.object({ ...listenConfig, ...databaseConfig }));
// Required at start (see databasePassword); the value goes to the database and nowhere else, not even into a log.
const password = databasePassword();

// The database opens (and the schema is applied) before serve(): ready means able to answer.
const db = await openDatabase(env.DB_URL, password, CATALOG_SCHEMA);
logger.info({ url: env.DB_URL }, 'database open');
const server = await serve({ services: [catalogService(new CatalogStore(db))], host: env.HOST, handleSignals: false });
stopOnSignals(server, () => db.close());
