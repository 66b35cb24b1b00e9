// The runtime: carries out the reconciler's start and stop actions with real processes.
export { RuntimeError } from './errors.ts';
export type { RuntimeErrorCode } from './errors.ts';
export { argvOf, signalGroup, spawnReplica, stopReplica } from './process-driver.ts';
export type { ChildReplica, Exit, ReplicaOutput, SpawnSpec, Stream } from './process-driver.ts';
export { NOTIFY_FD, NOTIFY_FD_VARIABLE, noticeReady, onReadyNotice } from './ready-notice.ts';
export { freePort, portIsFree } from './ports.ts';
export { killLeftoverGroups, processStartTime, Reaper } from './reaper.ts';
