// thumbnails: crops cover images; used a few times a day (1 replica; the one that will scale
// to zero). Stateless and CPU-bound: cropping is a pure function of the request.
import { config, serve } from '@bricks/sdk';
import { z } from 'zod';
import { listenConfig, stopOnSignals } from '../../lib/index.ts';
import { thumbnailsService } from './handlers.ts';

const env = config(z.object({ ...listenConfig }));
const server = await serve({ services: [thumbnailsService()], host: env.HOST, handleSignals: false });
stopOnSignals(server);
