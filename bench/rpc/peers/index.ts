// The compared stacks, by the id the child processes are started with, in table order.
import { sdkConnectPeer, sdkFastPeer } from './bricks-sdk.ts';
import { connectGrpcPeer } from './connect.ts';
import { fastPeer } from './fast.ts';
import { grpcJsPeer } from './grpc-js.ts';
import { grpcInteropPeers } from './grpc-interop.ts';
import { moleculerPeer } from './moleculer.ts';
import type { Peer } from './peer.ts';
import { rawTcpPeer } from './raw-tcp.ts';

export const peers = {
  fast: fastPeer,
  'sdk-fast': sdkFastPeer,
  'sdk-connect': sdkConnectPeer,
  'grpc-js': grpcJsPeer,
  'connect-grpc': connectGrpcPeer,
  moleculer: moleculerPeer,
  'raw-tcp': rawTcpPeer,
} as const satisfies Record<string, Peer>;

export type PeerId = keyof typeof peers;

const all: Record<string, Peer> = { ...peers, ...grpcInteropPeers };

export function peerById(id: string): Peer {
  const peer = all[id];
  if (peer === undefined) throw new Error(`unknown peer ${id}; known: ${Object.keys(all).join(', ')}`);
  return peer;
}
