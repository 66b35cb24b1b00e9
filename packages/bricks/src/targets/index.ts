// The engine targets: Docker images of the artifacts, Docker Swarm, Kubernetes.
export { TargetError } from './errors.ts';
export type { TargetErrorCode } from './errors.ts';
export { formatEvent } from './progress.ts';
export type { OnProgress, TargetEvent } from './progress.ts';
export { imageRef } from './naming.ts';
export { imageSource } from './service-shape.ts';
export * from './kubernetes/index.ts';
export * from './images/index.ts';
export { dockerProblem } from './docker/cli.ts';
export type { DockerRunner } from './docker/cli.ts';
export * from './swarm/index.ts';
