// Row 5: Moleculer, two brokers in two processes over its TCP transporter, with UDP
// discovery off and the server's address given statically (loopback only). JSON serializer,
// Moleculer's default, since that is how it is used.
import moleculer from 'moleculer';
import type { Peer } from './peer.ts';

const SERVER_NODE = 'bench-rpc-server';

function broker(nodeID: string, urls: string[]): moleculer.ServiceBroker {
  return new moleculer.ServiceBroker({
    nodeID,
    logger: false,
    transporter: { type: 'TCP', options: { udpDiscovery: false, urls } },
  });
}

export const moleculerPeer: Peer = {
  label: 'Moleculer, TCP transporter',
  async serve() {
    const b = broker(SERVER_NODE, []);
    b.createService({
      name: 'bench',
      actions: { echo: (ctx: moleculer.Context<{ name: string; n: number }>) => ({ name: ctx.params.name, n: ctx.params.n }) },
    });
    await b.start();
    // The transporter picks a random port and records it in its options once listening.
    const port = (b.transit as unknown as { tx: { opts: { port: number } } }).tx.opts.port;
    return { port, close: () => b.stop() };
  },
  async connect(port) {
    // The server learns this node's address from the socket of its gossip hello: 127.0.0.1.
    const b = broker(`bench-rpc-client-${process.pid}`, [`127.0.0.1:${port}/${SERVER_NODE}`]);
    await b.start();
    await b.waitForServices('bench', 10_000);
    return {
      async call(req) {
        await b.call('bench.echo', { name: req.name, n: req.n });
      },
      close: () => b.stop(),
    };
  },
};
