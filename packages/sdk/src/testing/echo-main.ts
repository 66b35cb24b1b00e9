// A replica program for end-to-end tests: serves the test EchoService on $PORT the way a
// bricks service does (SIGTERM → graceful shutdown and exit).
import { REPLICA_VARIABLE } from '../config/platform-env-names.js';
import { serve } from '../server/index.ts';
import { echoImpl } from './echo-service.ts';

await serve({ services: [echoImpl({ replica: process.env[REPLICA_VARIABLE] ?? '' })], host: '127.0.0.1' });
