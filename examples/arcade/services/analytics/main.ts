// analytics: event ingest, hit many times per player. Counts in memory per replica, so it
// scales out freely (2 replicas; the one that will autoscale).
import { config, serve } from '@bricks/sdk';
import { REPLICA_VARIABLE } from '@bricks/sdk/platform-env';
import { z } from 'zod';
import { listenConfig, stopOnSignals } from '../../lib/index.ts';
import { EventCounter } from './counter.ts';
import { analyticsService } from './handlers.ts';

const env = config(z.object({ ...listenConfig, [REPLICA_VARIABLE]: z.string().default('analytics') }));
const server = await serve({ services: [analyticsService(new EventCounter(), env[REPLICA_VARIABLE])], host: env.HOST, handleSignals: false });
stopOnSignals(server);
