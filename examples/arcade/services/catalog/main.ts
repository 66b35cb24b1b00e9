// catalog: the list of games (in memory until the SDK issue moves it to PGlite).
import { log, readJson, serveHttp } from '../../lib/http-service.ts';

interface Game {
  id: string;
  title: string;
  genre: string;
}

const games = new Map<string, Game>([
  ['tetra', { id: 'tetra', title: 'Tetra', genre: 'puzzle' }],
  ['rocket', { id: 'rocket', title: 'Rocket Run', genre: 'arcade' }],
  ['maze', { id: 'maze', title: 'Maze Master', genre: 'puzzle' }],
]);

await serveHttp('catalog', async (req, url) => {
  if (req.method === 'GET' && url.pathname === '/games') {
    return { body: { games: [...games.values()], replica: process.env.BRICKS_REPLICA } };
  }
  const one = /^\/games\/([\w-]+)$/.exec(url.pathname);
  if (req.method === 'GET' && one !== null) {
    const game = games.get(one[1] ?? '');
    return game === undefined ? { status: 404, body: { error: `no game ${one[1]}` } } : { body: game };
  }
  if (req.method === 'POST' && url.pathname === '/games') {
    const g = (await readJson(req)) as Partial<Game>;
    if (typeof g.id !== 'string' || typeof g.title !== 'string') return { status: 400, body: { error: 'id and title are required' } };
    const game = { id: g.id, title: g.title, genre: g.genre ?? 'unknown' };
    games.set(game.id, game);
    log('catalog', 'info', 'game created', { id: game.id });
    return { status: 201, body: game };
  }
  return null;
});
