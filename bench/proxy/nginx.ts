// nginx as the peer: one worker, an upstream block over the same replicas with keep-alive
// connections, run in the foreground from a generated config in a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** gRPC (h2c) side: nginx's grpc_pass over keep-alive h2c connections to the gRPC replicas. */
export interface NginxGrpc {
  readonly listenPort: number;
  readonly upstreamPorts: readonly number[];
}

export function nginxConfig(listenPort: number, upstreamPorts: readonly number[], dir: string, grpc?: NginxGrpc): string {
  const grpcBlock =
    grpc === undefined
      ? ''
      : `
  upstream grpc_replicas {
${grpc.upstreamPorts.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${grpc.listenPort} http2;
    location / {
      grpc_pass grpc://grpc_replicas;
      grpc_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      grpc_set_header Forwarded "for=$remote_addr";
    }
  }`;
  return `worker_processes 1;
daemon off;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000;
  upstream replicas {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # The same forwarding headers the bricks proxy adds, so both do the same work.
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Forwarded "for=$remote_addr";
    }
  }${grpcBlock}
}
`;
}

/** Writes the config into `dir` and returns the argv that runs nginx on it. */
export function nginxArgv(listenPort: number, upstreamPorts: readonly number[], dir: string, grpc?: NginxGrpc): string[] {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(listenPort, upstreamPorts, dir, grpc));
  return ['nginx', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
}

/** What is missing to run this benchmark, as an install hint; undefined when all is there. */
export function missingTools(): string | undefined {
  const missing = ['nginx', 'wrk', 'h2load'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return undefined;
  return `missing ${missing.join(', ')}: install with \`apt-get install -y nginx-light wrk nghttp2-client\``;
}
