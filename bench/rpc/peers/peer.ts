// What each compared RPC stack provides to the benchmark: a server in one process and a
// client in another, both speaking the bench's EchoRequest/EchoResponse.
import type { EchoRequest } from '../gen/bench/v1/bench_pb.ts';

export interface PeerServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface PeerClient {
  /** One unary call; resolves when the echo is decoded. */
  call(req: EchoRequest): Promise<void>;
  close(): Promise<void>;
}

export interface Peer {
  /** Row label in RESULTS.md. */
  readonly label: string;
  serve(): Promise<PeerServer>;
  connect(port: number): Promise<PeerClient>;
}
