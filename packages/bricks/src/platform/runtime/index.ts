// The runtime: carries out the reconciler's start and stop actions through a narrow port
// (port.ts), implemented with real processes (process-runtime.ts).
export { RuntimeError } from './errors.ts';
export type { RuntimeErrorCode } from './errors.ts';
export type { Exit, ReplicaController, ReplicaOutput, ReplicaRuntime, ReplicaSpec, Stream } from './port.ts';
export { ProcessRuntime } from './process-runtime.ts';
export type { GroupList } from './process-runtime.ts';
export { argvOf, askToStop, killGroup, signalGroup, spawnReplica } from './process-driver.ts';
export type { ChildReplica, SpawnSpec } from './process-driver.ts';
export { NOTIFY_FD, NOTIFY_FD_VARIABLE, noticeReady, onReadyNotice } from './ready-notice.ts';
export { freePort, portIsFree } from './ports.ts';
export { killLeftoverGroups, processStartTime, Reaper } from './reaper.ts';
