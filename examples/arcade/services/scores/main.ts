// scores: submit and read leaderboards, in the stack's PostgreSQL (the backing service `db`,
// shared with catalog: their tables do not overlap). Stateless itself: any number of replicas.
import { client, config, logger, serve } from '@bricks/sdk';
import { z } from 'zod';
import { CatalogService } from '../../gen/arcade/v1/catalog_pb.ts';
import { databaseConfig, databasePassword, listenConfig, openDatabase, stopOnSignals } from '../../lib/index.ts';
import { scoresService } from './handlers.ts';
import { SCORES_SCHEMA, ScoresStore } from './store.ts';

const env = config(z.object({ ...listenConfig, ...databaseConfig }));
// Required at start (see databasePassword); the value goes to the database and nowhere else, not even into a log.
const password = databasePassword();

// The database opens (and the schema is applied) before serve(): ready means able to answer.
const db = await openDatabase(env.DB_URL, password, SCORES_SCHEMA);
logger.info({ url: env.DB_URL }, 'database open');
const server = await serve({ services: [scoresService(new ScoresStore(db), client(CatalogService))], host: env.HOST, handleSignals: false });
stopOnSignals(server, () => db.close());
