// What the web service answers, as a plain node:http handler: bricks runs any program that
// listens on $PORT, so express, fastify or hono would do as well.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (url.pathname) {
    // bricks sends a replica traffic once /readyz answers 200, and replaces one whose /healthz fails.
    case '/healthz':
    case '/readyz':
      res.end('ok');
      return;
    case '/hello':
      json(res, 200, { message: `Hello, ${url.searchParams.get('name') ?? 'world'}!` });
      return;
    default:
      json(res, 404, { error: `no route ${url.pathname}: try /hello?name=Ada` });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
