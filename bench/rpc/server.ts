// Child process: starts one peer's server on 127.0.0.1, prints `READY <port>`, runs until
// stdin closes (so it never outlives the suite that spawned it).
import { peerById } from './peers/index.ts';

const peer = peerById(process.argv[2] ?? '');
const server = await peer.serve();
process.stdout.write(`READY ${server.port}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  void server.close().finally(() => process.exit(0));
});
