// Artifacts for Swarm end-to-end tests, as the build module makes them (code plus manifest.json,
// named by digest), and a tiny service that serves /metrics the way an SDK service does: the
// server histogram's _sum and _count, which the Swarm autoscaler and Prometheus read.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function artifact(dir: string, service: string, source: string) {
  const digest = createHash('sha256').update(service).update(source).digest('hex');
  const out = join(dir, 'artifacts', digest);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'main.mjs'), source);
  const command = ['node', 'main.mjs'];
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ service, digest, command }));
  return { service, digest, dir: out, command };
}

/**
 * GET /work?ms=N holds the request N ms (load with a known concurrency); /health answers; /metrics
 * serves rpc_server_call_duration_seconds{_sum,_count} over every request served so far.
 */
export const meteredServiceSource = `import { createServer } from 'node:http';
let count = 0, sum = 0;
createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return res.end('ok');
  if (url.pathname === '/metrics') {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    const l = '{rpc_system="connect_rpc",rpc_service="test.v1.Work",rpc_method="Do",rpc_grpc_status_code="0",transport="connect"}';
    return res.end('# TYPE rpc_server_call_duration_seconds histogram\\n'
      + 'rpc_server_call_duration_seconds_bucket' + l.replace('}', ',le="+Inf"}') + ' ' + count + '\\n'
      + 'rpc_server_call_duration_seconds_sum' + l + ' ' + sum + '\\n'
      + 'rpc_server_call_duration_seconds_count' + l + ' ' + count + '\\n');
  }
  const started = performance.now();
  setTimeout(() => {
    count++;
    sum += (performance.now() - started) / 1000;
    res.end('done');
  }, Number(url.searchParams.get('ms') ?? 0));
}).listen(Number(process.env.PORT), '0.0.0.0');
`;
