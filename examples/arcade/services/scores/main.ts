// scores: submit and read leaderboards, in PostgreSQL (PGlite, embedded). One replica: PGlite
// is a single-process database, so only one process may open its data directory.
import { client, config, logger, serve } from '@bricks/sdk';
import { z } from 'zod';
import { CatalogService } from '../../gen/arcade/v1/catalog_pb.ts';
import { databasePassword, dataConfig, defaultDataDir, listenConfig, openDatabase, stopOnSignals } from '../../lib/index.ts';
import { scoresService } from './handlers.ts';
import { SCORES_SCHEMA, ScoresStore } from './store.ts';

const env = config(z.object({ ...listenConfig, ...dataConfig }));
const dataDir = env.DATA_DIR ?? defaultDataDir('scores');
// Required at start (see databasePassword); the value goes nowhere else, not even into a log.
const password = databasePassword();

// The database opens before serve(): the replica reports ready only once it can answer.
const db = await openDatabase(dataDir, SCORES_SCHEMA);
logger.info({ dataDir, password: password.length > 0 ? 'set' : 'missing' }, 'database open');
const server = await serve({ services: [scoresService(new ScoresStore(db), client(CatalogService))], host: env.HOST, handleSignals: false });
stopOnSignals(server, () => db.close());
