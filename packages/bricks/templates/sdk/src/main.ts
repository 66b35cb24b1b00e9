// The greeter service's program: serves GreeterService on $PORT (gRPC, gRPC-Web and Connect on one
// port, with /healthz and /readyz) and, on SIGTERM, finishes its calls before it exits.
import { serve } from '@bricks/sdk';
import { greeter } from './greeter.ts';

await serve({ services: [greeter] });
