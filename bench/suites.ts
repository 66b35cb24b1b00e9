// The list of benchmark suites, in the order RESULTS.md shows them.
import adoption from './adoption/index.ts';
import autoscale from './autoscale/index.ts';
import auth from './auth/index.ts';
import backing from './backing/index.ts';
import dashboard from './dashboard/index.ts';
import gateway from './gateway/index.ts';
import overload from './overload/index.ts';
import proxy from './proxy/index.ts';
import recovery from './recovery/index.ts';
import rolling from './rolling/index.ts';
import rpc from './rpc/index.ts';
import startup from './startup/index.ts';
import traces from './traces/index.ts';
import tracing from './tracing/index.ts';
import type { BenchSuite } from './suite.ts';

export const suites: readonly BenchSuite[] = [proxy, recovery, rpc, auth, startup, rolling, autoscale, overload, adoption, backing, traces, tracing, gateway, dashboard];
