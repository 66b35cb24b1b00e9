// catalog: the list of games, in PostgreSQL (PGlite, embedded). One replica: PGlite is a
// single-process database, so only one process may open its data directory.
import { config, logger, serve } from '@bricks/sdk';
import { z } from 'zod';
import { databasePassword, dataConfig, defaultDataDir, listenConfig, openDatabase, stopOnSignals } from '../../lib/index.ts';
import { catalogService } from './handlers.ts';
import { CATALOG_SCHEMA, CatalogStore } from './store.ts';

const env = config(z.object({ ...listenConfig, ...dataConfig }));
const dataDir = env.DATA_DIR ?? defaultDataDir('catalog');
// Required at start (see databasePassword); the value goes nowhere else, not even into a log.
const password = databasePassword();

// The database opens before serve(): the replica reports ready only once it can answer.
const db = await openDatabase(dataDir, CATALOG_SCHEMA);
logger.info({ dataDir, password: password.length > 0 ? 'set' : 'missing' }, 'database open');
const server = await serve({ services: [catalogService(new CatalogStore(db))], host: env.HOST, handleSignals: false });
stopOnSignals(server, () => db.close());
