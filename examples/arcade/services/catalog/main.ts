// catalog: the list of games, in PostgreSQL (PGlite, embedded). One replica: PGlite is a
// single-process database, so only one process may open its data directory.
import { config, logger, serve } from '@bricks/sdk';
import { z } from 'zod';
import { dataConfig, defaultDataDir, listenConfig, openDatabase, stopOnSignals } from '../../lib/index.ts';
import { catalogService } from './handlers.ts';
import { CATALOG_SCHEMA, CatalogStore } from './store.ts';

const env = config(z.object({ ...listenConfig, ...dataConfig }));
const dataDir = env.DATA_DIR ?? defaultDataDir('catalog');

// The database opens before serve(): the replica reports ready only once it can answer.
const db = await openDatabase(dataDir, CATALOG_SCHEMA);
logger.info({ dataDir }, 'database open');
const server = await serve({ services: [catalogService(new CatalogStore(db))], host: env.HOST, handleSignals: false });
stopOnSignals(server, () => db.close());
