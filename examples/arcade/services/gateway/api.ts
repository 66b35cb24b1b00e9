// arcade's REST API: each route checks its input, calls services through typed SDK clients,
// and shapes the answer as JSON. Errors are thrown as BricksErrors; the server maps them.
import { randomUUID } from 'node:crypto';
import { AUTHORIZATION_HEADER, type Client } from '@bricks/sdk';
import { z } from 'zod';
import type { AnalyticsService } from '../../gen/arcade/v1/analytics_pb.ts';
import type { CatalogService } from '../../gen/arcade/v1/catalog_pb.ts';
import type { ScoresService } from '../../gen/arcade/v1/scores_pb.ts';
import type { ThumbnailsService } from '../../gen/arcade/v1/thumbnails_pb.ts';
import { parseJson, parseQuery } from './body.ts';
import { Router, type ApiResponse } from './router.ts';
import { gameView, scoreView } from './views.ts';

export interface ArcadeClients {
  readonly catalog: Pick<Client<typeof CatalogService>, 'listGames' | 'getGame' | 'createGame'>;
  readonly scores: Pick<Client<typeof ScoresService>, 'submitScore' | 'topScores'>;
  readonly analytics: Pick<Client<typeof AnalyticsService>, 'track'>;
  readonly thumbnails: Pick<Client<typeof ThumbnailsService>, 'crop'>;
}

const count = z.coerce.number().int().min(0).max(1000);
const listQuery = z.object({ genre: z.string().optional(), limit: count.optional() });
const newGame = z.object({ title: z.string(), genre: z.string().optional(), description: z.string().optional() });
const newScore = z.object({ gameId: z.string(), player: z.string(), points: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
const event = z.object({
  // Optional: the gateway picks one, so the SDK's retries of this call are still counted once.
  eventId: z.string().max(128).optional(),
  name: z.string(),
  player: z.string().optional(),
  gameId: z.string().optional(),
  properties: z.record(z.string(), z.string()).optional(),
});
const side = z.coerce.number().int().min(1).max(4096);
const cropQuery = z.object({ width: side, height: side, sourceWidth: side.optional(), sourceHeight: side.optional() });

/** Only the user's own credential is passed on: nothing else a client sends reaches a service as ours. */
function userCredentials(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const authorization = headers[AUTHORIZATION_HEADER];
  return authorization === undefined ? {} : { [AUTHORIZATION_HEADER]: authorization };
}

function json(status: number, body: unknown): ApiResponse {
  return { kind: 'json', status, body };
}

export function arcadeApi(c: ArcadeClients): Router {
  return new Router()
    .add('GET', '/api/games', async (req) => {
      const q = parseQuery(listQuery, req.query);
      const res = await c.catalog.listGames({ genre: q.genre ?? '', pageSize: q.limit ?? 0 }, { signal: req.signal });
      return json(200, { games: res.games.map(gameView) });
    })
    .add('GET', '/api/games/:id', async (req) => {
      const id = req.params['id'] ?? '';
      // Both at once: the page costs the slower of the two calls, not their sum.
      const [game, top] = await Promise.all([
        c.catalog.getGame({ id }, { signal: req.signal }),
        c.scores.topScores({ gameId: id }, { signal: req.signal }),
      ]);
      return json(200, { game: game.game === undefined ? null : gameView(game.game), topScores: top.entries.map(scoreView) });
    })
    .add('POST', '/api/games', async (req) => {
      const g = parseJson(newGame, req.body);
      // The player's bearer token goes on to catalog, which verifies it (and that the call comes from us).
      const res = await c.catalog.createGame({ title: g.title, genre: g.genre ?? '', description: g.description ?? '' }, { signal: req.signal, headers: userCredentials(req.headers) });
      return json(201, { game: res.game === undefined ? null : gameView(res.game) });
    })
    .add('POST', '/api/scores', async (req) => {
      const s = parseJson(newScore, req.body);
      const res = await c.scores.submitScore({ gameId: s.gameId, player: s.player, points: BigInt(s.points) }, { signal: req.signal });
      return json(201, { rank: res.rank });
    })
    .add('POST', '/api/events', async (req) => {
      const e = parseJson(event, req.body);
      const res = await c.analytics.track(
        { eventId: e.eventId ?? randomUUID(), name: e.name, player: e.player ?? '', gameId: e.gameId ?? '', properties: e.properties ?? {}, atMs: BigInt(Date.now()) },
        { signal: req.signal },
      );
      return json(202, { accepted: res.accepted, replica: res.replica, count: Number(res.count) });
    })
    .add('POST', '/api/thumbnails', async (req) => {
      const q = parseQuery(cropQuery, req.query);
      const res = await c.thumbnails.crop(
        { image: req.body, contentType: req.headers['content-type'] ?? '', width: q.width, height: q.height, sourceWidth: q.sourceWidth ?? 0, sourceHeight: q.sourceHeight ?? 0 },
        { signal: req.signal },
      );
      return { kind: 'bytes', status: 200, contentType: res.contentType, body: res.image, headers: { 'x-image-width': String(res.width), 'x-image-height': String(res.height) } };
    });
}
