// scores: submit and read leaderboards (in memory per replica until the SDK issue).
import { log, readJson, serveHttp } from '../../lib/http-service.ts';

const boards = new Map<string, { player: string; score: number }[]>();

await serveHttp('scores', async (req, url) => {
  const top = /^\/games\/([\w-]+)\/top$/.exec(url.pathname);
  if (req.method === 'GET' && top !== null) {
    const board = boards.get(top[1] ?? '') ?? [];
    return { body: { game: top[1], top: board.slice(0, 10), replica: process.env.BRICKS_REPLICA } };
  }
  if (req.method === 'POST' && url.pathname === '/scores') {
    const s = (await readJson(req)) as { game?: unknown; player?: unknown; score?: unknown };
    if (typeof s.game !== 'string' || typeof s.player !== 'string' || typeof s.score !== 'number') {
      return { status: 400, body: { error: 'game, player and score are required' } };
    }
    const board = boards.get(s.game) ?? [];
    board.push({ player: s.player, score: s.score });
    board.sort((a, b) => b.score - a.score);
    boards.set(s.game, board);
    log('scores', 'info', 'score submitted', { game: s.game, player: s.player, score: s.score });
    return { status: 201, body: { accepted: true } };
  }
  return null;
});
