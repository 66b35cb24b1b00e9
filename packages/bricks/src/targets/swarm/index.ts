// The Docker Swarm target: the stack as a Swarm stack file, deployed with `docker stack deploy`.
export { renderSwarmStack, swarmStackName } from './render.ts';
export type { SwarmCompose, SwarmRenderOptions } from './render.ts';
export { deploySwarm, rollbackSwarm, swarmDir } from './deploy.ts';
export type { SwarmOptions } from './deploy.ts';
export type { DeployResult } from './apply.ts';
export { swarmPs, removeSwarm } from './ps.ts';
export type { SwarmCallOptions } from './ps.ts';
export type { Task as SwarmTask } from './observe.ts';
export { readHistory as readSwarmHistory } from './history.ts';
export { AUTOSCALER_SERVICE } from './render.ts';
export { buildAutoscalerImage } from './autoscaler/image.ts';
export type { AutoscalerImageOptions } from './autoscaler/image.ts';
