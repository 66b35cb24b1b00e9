// The AnalyticsService RPC: validates an event and counts it on this replica.
import { BricksError, implement, type ServiceImplementation } from '@bricks/sdk';
import { AnalyticsService } from '../../gen/arcade/v1/analytics_pb.ts';
import type { EventCounter } from './counter.ts';

const EVENT_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

export function analyticsService(counter: EventCounter, replica: string): ServiceImplementation {
  return implement(AnalyticsService, {
    track(req) {
      if (!EVENT_NAME.test(req.name)) throw new BricksError('invalid_argument', `event name must match ${EVENT_NAME.source}`);
      const { accepted, count } = counter.track(req.eventId, req.name);
      return { accepted, replica, count: BigInt(count) };
    },
  });
}
