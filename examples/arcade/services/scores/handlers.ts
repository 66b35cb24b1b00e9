// The ScoresService RPCs. SubmitScore first asks catalog whether the game exists (a call made
// inside a handler: it inherits this call's deadline and trace).
import { BricksError, implement, type Client, type ServiceImplementation } from '@bricks/sdk';
import type { CatalogService } from '../../gen/arcade/v1/catalog_pb.ts';
import { ScoresService } from '../../gen/arcade/v1/scores_pb.ts';
import type { ScoresStore } from './store.ts';

// A leaderboard screen shows 10; 100 bounds the cost of one call.
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
const MAX_PLAYER = 64;

export function scoresService(store: ScoresStore, catalog: Pick<Client<typeof CatalogService>, 'getGame'>): ServiceImplementation {
  return implement(ScoresService, {
    async submitScore(req) {
      const player = req.player.trim();
      if (req.gameId === '') throw new BricksError('invalid_argument', 'game_id is required');
      if (player === '' || player.length > MAX_PLAYER) throw new BricksError('invalid_argument', `player must be 1 to ${MAX_PLAYER} characters`);
      if (req.points < 0n) throw new BricksError('invalid_argument', 'points must not be negative');
      if (req.points > BigInt(Number.MAX_SAFE_INTEGER)) throw new BricksError('out_of_range', 'points are too large');
      // not_found from catalog passes through as ours: the game the score is for does not exist.
      await catalog.getGame({ id: req.gameId });
      return { rank: await store.submit(req.gameId, player, Number(req.points)) };
    },
    async topScores(req) {
      if (req.gameId === '') throw new BricksError('invalid_argument', 'game_id is required');
      if (req.limit < 0) throw new BricksError('invalid_argument', 'limit must not be negative');
      const limit = req.limit === 0 ? DEFAULT_LIMIT : Math.min(req.limit, MAX_LIMIT);
      const rows = await store.top(req.gameId, limit);
      return { entries: rows.map((r) => ({ player: r.player, points: BigInt(r.points), submittedAtMs: BigInt(r.submittedAt.getTime()) })) };
    },
  });
}
