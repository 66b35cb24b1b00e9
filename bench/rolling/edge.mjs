// The Swarm side's edge in the rolling-update benchmark: the one task that publishes a host
// port (Swarm's ingress mesh is not used here), forwarding each request to $UPSTREAM, the
// service's DNS name (dnsrr: a fresh lookup per connection spreads the load). Like the bricks
// proxy it retries a GET once when the upstream connection fails, so the comparison is about
// how each engine drains replicas, not about retries.
import { createServer, request } from 'node:http';

const upstream = new URL(process.env.UPSTREAM ?? 'http://api:8080');

function forward(req, body, attempt, res) {
  const out = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent: false },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on('error', (err) => {
    if (attempt === 0 && req.method === 'GET' && !res.headersSent) return forward(req, body, 1, res);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(err));
  });
  out.end(body);
}

createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => forward(req, Buffer.concat(chunks), 0, res));
}).listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
