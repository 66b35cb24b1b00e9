// gateway: the edge. REST/JSON in; calls catalog and scores through their service addresses.
import { serveHttp } from '../../lib/http-service.ts';

const catalog = process.env.CATALOG_URL ?? 'http://127.0.0.1:7101';
const scores = process.env.SCORES_URL ?? 'http://127.0.0.1:7102';

async function call(base: string, path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) };
}

await serveHttp('gateway', async (req, url) => {
  if (req.method === 'GET' && url.pathname === '/api/games') return call(catalog, '/games');
  const game = /^\/api\/games\/([\w-]+)$/.exec(url.pathname);
  if (req.method === 'GET' && game !== null) {
    const [g, s] = await Promise.all([call(catalog, `/games/${game[1]}`), call(scores, `/games/${game[1]}/top`)]);
    if (g.status !== 200) return g;
    return { body: { game: g.body, scores: s.body } };
  }
  if (req.method === 'POST' && url.pathname === '/api/scores') {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    return call(scores, '/scores', { method: 'POST', body: Buffer.concat(chunks), headers: { 'content-type': 'application/json' } });
  }
  if (req.method === 'GET' && url.pathname === '/api/whoami') return { body: { replica: process.env.BRICKS_REPLICA } };
  return null;
});
