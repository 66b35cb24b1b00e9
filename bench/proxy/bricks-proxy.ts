// Child process: the bricks service proxy alone in its own Node process (its own event loop),
// balancing over the upstream ports given as arguments. Prints {"port":N} once listening.
//   bricks-proxy.ts <upstreamPort>...
import { startServiceProxy } from '../../packages/bricks/src/platform/proxy/index.ts';

const ports = process.argv.slice(2).map(Number);
const proxy = await startServiceProxy({ service: 'bench', port: 0 });
proxy.setEndpoints(ports.map((port, i) => ({ id: `r${i}`, host: '127.0.0.1', port })));
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`);
process.on('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
