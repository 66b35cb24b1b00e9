// Child process: starts one peer's server on 127.0.0.1, prints `READY <port>`, runs until
// stdin closes (so it never outlives the suite that spawned it), then prints `CPU <µs>`: the
// CPU time it used since READY, so a comparison can say what each server spent per call.
import { peerById } from './peers/index.ts';

const peer = peerById(process.argv[2] ?? '');
const server = await peer.serve();
const ready = process.cpuUsage();
process.stdout.write(`READY ${server.port}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  const cpu = process.cpuUsage(ready);
  process.stdout.write(`CPU ${cpu.user + cpu.system}\n`);
  void server.close().finally(() => process.exit(0));
});
