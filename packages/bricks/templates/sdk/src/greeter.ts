// What the greeter service does, apart from how it is served (main.ts): the test calls it through
// a real server and client without the platform.
import { BricksError, implement } from '@bricks/sdk';
import { GreeterService } from '../gen/hello/v1/greeter_pb.ts';

export const greeter = implement(GreeterService, {
  sayHello(request) {
    const name = request.name.trim();
    // The caller's mistake has a code of its own (HTTP 400, gRPC INVALID_ARGUMENT), not "internal".
    if (name === '') throw new BricksError('invalid_argument', 'name is empty: say whom to greet');
    return { message: `Hello, ${name}!` };
  },
});
