// The normalized stack as plain JSON, for `bricks config`: services as an ordered list (a JSON
// object would reorder a service named like a number), durations in milliseconds.
import type { Stack } from './model.ts';

export function stackToJson(stack: Stack): Record<string, unknown> {
  return {
    name: stack.name,
    file: stack.file,
    dir: stack.dir,
    services: Object.values(stack.services).map((s) => ({
      name: s.name,
      run: s.run,
      environment: s.environment,
      workingDir: s.workingDir,
      port: s.port,
      replicas: s.replicas,
      restart: s.restart,
      health: s.health,
      stopGracePeriodMs: s.stopGracePeriodMs,
      dependsOn: s.dependsOn,
      bricks: s.bricks,
      compose: s.compose,
    })),
    compose: stack.compose,
  };
}
