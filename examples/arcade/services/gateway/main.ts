// gateway: arcade's edge. REST/JSON in over plain HTTP, typed SDK calls out to catalog, scores,
// analytics and thumbnails (balanced on the client side, with deadlines and retries).
import { client, config, logger } from '@bricks/sdk';
import { DRAIN_DELAY_MS_VARIABLE, REPLICA_VARIABLE, STOP_GRACE_MS_VARIABLE } from '@bricks/sdk/platform-env';
import { z } from 'zod';
import { AnalyticsService } from '../../gen/arcade/v1/analytics_pb.ts';
import { CatalogService } from '../../gen/arcade/v1/catalog_pb.ts';
import { ScoresService } from '../../gen/arcade/v1/scores_pb.ts';
import { ThumbnailsService } from '../../gen/arcade/v1/thumbnails_pb.ts';
import { listenConfig, stopOnSignals } from '../../lib/index.ts';
import { arcadeApi } from './api.ts';
import { startGateway } from './http-server.ts';

const env = config(
  z.object({
    ...listenConfig,
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    [REPLICA_VARIABLE]: z.string().default('gateway'),
    // Compose's default stop_grace_period; the platform passes the stack's.
    [STOP_GRACE_MS_VARIABLE]: z.coerce.number().int().min(0).default(10_000),
    // Long enough for the platform's proxy and the SDK's discovery to see the replica go unready.
    [DRAIN_DELAY_MS_VARIABLE]: z.coerce.number().int().min(0).default(1_000),
    // A cover image as PPM or RGBA: 4096x4096 RGBA is 64 MiB; 8 MiB is a generous cover.
    MAX_BODY_BYTES: z.coerce.number().int().min(1).default(8 * 1024 * 1024),
  }),
);

const router = arcadeApi({
  catalog: client(CatalogService),
  scores: client(ScoresService),
  analytics: client(AnalyticsService),
  thumbnails: client(ThumbnailsService),
});
const server = await startGateway({
  router,
  host: env.HOST,
  port: env.PORT,
  replica: env[REPLICA_VARIABLE],
  logger,
  maxBodyBytes: env.MAX_BODY_BYTES,
  graceMs: env[STOP_GRACE_MS_VARIABLE],
  drainDelayMs: Math.min(env[DRAIN_DELAY_MS_VARIABLE], env[STOP_GRACE_MS_VARIABLE] / 4),
});
logger.info({ port: server.port, host: env.HOST }, 'gateway listening');

stopOnSignals(server);
