// The REST API over fake clients: routes, bodies, status codes, and RPC errors as HTTP statuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { BricksError } from '@bricks/sdk';
import { TrackResponseSchema, type TrackRequest } from '../../gen/arcade/v1/analytics_pb.ts';
import { GameSchema, GetGameResponseSchema, ListGamesResponseSchema, CreateGameResponseSchema, type ListGamesRequest } from '../../gen/arcade/v1/catalog_pb.ts';
import { ScoreEntrySchema, SubmitScoreResponseSchema, TopScoresResponseSchema } from '../../gen/arcade/v1/scores_pb.ts';
import { CropResponseSchema, type CropRequest } from '../../gen/arcade/v1/thumbnails_pb.ts';
import { arcadeApi, type ArcadeClients } from './api.ts';
import type { ApiResponse } from './router.ts';

const tetra = create(GameSchema, { id: 'tetra', title: 'Tetra', genre: 'puzzle', description: 'blocks', createdAtMs: 1_700_000_000_000n });

function fakes(overrides: Partial<{ [K in keyof ArcadeClients]: Partial<ArcadeClients[K]> }> = {}): ArcadeClients {
  const fail = (): never => assert.fail('unexpected call');
  return {
    catalog: { listGames: fail, getGame: fail, createGame: fail, ...overrides.catalog },
    scores: { submitScore: fail, topScores: fail, ...overrides.scores },
    analytics: { track: fail, ...overrides.analytics },
    thumbnails: { crop: fail, ...overrides.thumbnails },
  };
}

async function call(clients: ArcadeClients, method: string, path: string, opts: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const url = new URL(path, 'http://gateway');
  const match = arcadeApi(clients).match(method, url.pathname);
  if (match.kind !== 'found') return { kind: 'json', status: match.kind === 'not-found' ? 404 : 405, body: null };
  const body = typeof opts.body === 'string' ? new TextEncoder().encode(opts.body) : (opts.body ?? new Uint8Array());
  try {
    return await match.handler({ method, path: url.pathname, params: match.params, query: url.searchParams, headers: opts.headers ?? {}, body, signal: new AbortController().signal });
  } catch (err) {
    const e = BricksError.from(err);
    return { kind: 'json', status: -1, body: { code: e.code, message: e.rawMessage } };
  }
}

test('GET /api/games passes genre and limit and shapes games as JSON', async () => {
  let seen: Partial<ListGamesRequest> | undefined;
  const clients = fakes({
    catalog: {
      listGames: (req) => {
        seen = req;
        return Promise.resolve(create(ListGamesResponseSchema, { games: [tetra] }));
      },
    },
  });
  const res = await call(clients, 'GET', '/api/games?genre=puzzle&limit=5');
  assert.deepEqual(seen, { genre: 'puzzle', pageSize: 5 });
  assert.deepEqual(res, {
    kind: 'json',
    status: 200,
    body: { games: [{ id: 'tetra', title: 'Tetra', genre: 'puzzle', description: 'blocks', createdAt: '2023-11-14T22:13:20.000Z' }] },
  });
  const bad = await call(clients, 'GET', '/api/games?limit=-1');
  assert.equal((bad.body as { code: string }).code, 'invalid_argument');
});

test('GET /api/games/:id asks catalog and scores at once and joins the answers', async () => {
  // Each fake answers only once both calls were made: a gateway that made them one after the
  // other would wait forever, so a deadline fails the test instead.
  let arrived = 0;
  let release!: () => void;
  const bothMade = new Promise<void>((r) => (release = r));
  const started = (): Promise<void> => {
    arrived++;
    if (arrived === 2) release();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the calls were not made at once')), 2000)));
    return Promise.race([bothMade, deadline]).finally(() => clearTimeout(timer));
  };
  const clients = fakes({
    catalog: { getGame: async ({ id }) => (await started(), create(GetGameResponseSchema, { game: { ...tetra, id: id ?? '' } })) },
    scores: {
      topScores: async ({ gameId }) => {
        await started();
        assert.equal(gameId, 'tetra');
        return create(TopScoresResponseSchema, { entries: [create(ScoreEntrySchema, { player: 'ann', points: 120n, submittedAtMs: 1_700_000_000_000n })] });
      },
    },
  });
  const res = await call(clients, 'GET', '/api/games/tetra');
  assert.equal(res.status, 200);
  assert.deepEqual((res as { body: unknown }).body, {
    game: { id: 'tetra', title: 'Tetra', genre: 'puzzle', description: 'blocks', createdAt: '2023-11-14T22:13:20.000Z' },
    topScores: [{ player: 'ann', points: 120, submittedAt: '2023-11-14T22:13:20.000Z' }],
  });
});

test('an RPC error comes out as the BricksError it was (the server maps the code)', async () => {
  const clients = fakes({
    catalog: { getGame: () => Promise.reject(new BricksError('not_found', 'no game nope')) },
    scores: { topScores: () => Promise.resolve(create(TopScoresResponseSchema)) },
  });
  assert.deepEqual((await call(clients, 'GET', '/api/games/nope')).body, { code: 'not_found', message: 'no game nope' });
});

test('POST /api/games: 201 with the created game; a body that is not JSON or lacks a title is invalid_argument', async () => {
  const clients = fakes({
    catalog: {
      createGame: (req) => {
        assert.deepEqual(req, { title: 'Tetra', genre: '', description: '' });
        return Promise.resolve(create(CreateGameResponseSchema, { game: tetra }));
      },
    },
  });
  const res = await call(clients, 'POST', '/api/games', { body: '{"title":"Tetra"}' });
  assert.equal(res.status, 201);
  assert.equal((res as { body: { game: { id: string } } }).body.game.id, 'tetra');
  assert.deepEqual((await call(clients, 'POST', '/api/games', { body: '{nope' })).body, { code: 'invalid_argument', message: 'the body is not JSON' });
  const missing = await call(clients, 'POST', '/api/games', { body: '{}' });
  assert.equal((missing.body as { code: string }).code, 'invalid_argument');
  assert.match((missing.body as { message: string }).message, /title/);
});

test('POST /api/scores: points go out as int64, the rank comes back; fractional points are refused', async () => {
  const clients = fakes({
    scores: {
      submitScore: (req) => {
        assert.deepEqual(req, { gameId: 'tetra', player: 'ann', points: 120n });
        return Promise.resolve(create(SubmitScoreResponseSchema, { rank: 3 }));
      },
    },
  });
  assert.deepEqual(await call(clients, 'POST', '/api/scores', { body: '{"gameId":"tetra","player":"ann","points":120}' }), { kind: 'json', status: 201, body: { rank: 3 } });
  const bad = await call(clients, 'POST', '/api/scores', { body: '{"gameId":"tetra","player":"ann","points":1.5}' });
  assert.equal((bad.body as { code: string }).code, 'invalid_argument');
});

test('POST /api/events: the gateway gives an event without an id one, so SDK retries count once', async () => {
  const ids: string[] = [];
  const clients = fakes({
    analytics: {
      track: (req) => {
        ids.push((req as Partial<TrackRequest>).eventId ?? '');
        assert.equal((req as Partial<TrackRequest>).name, 'play');
        return Promise.resolve(create(TrackResponseSchema, { accepted: true, replica: 'analytics.2', count: 7n }));
      },
    },
  });
  const res = await call(clients, 'POST', '/api/events', { body: '{"name":"play","gameId":"tetra"}' });
  assert.deepEqual(res, { kind: 'json', status: 202, body: { accepted: true, replica: 'analytics.2', count: 7 } });
  await call(clients, 'POST', '/api/events', { body: '{"name":"play","eventId":"e-1"}' });
  assert.match(ids[0] ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(ids[1], 'e-1');
});

test('POST /api/thumbnails: the raw body and its content type go out, the crop comes back as bytes', async () => {
  const image = new Uint8Array([1, 2, 3, 4]);
  const clients = fakes({
    thumbnails: {
      crop: (req) => {
        const r = req as Partial<CropRequest>;
        assert.deepEqual([r.contentType, r.width, r.height, r.sourceWidth, r.sourceHeight], ['image/x-rgba', 1, 1, 2, 2]);
        assert.deepEqual(r.image, image);
        return Promise.resolve(create(CropResponseSchema, { image: new Uint8Array([9, 9, 9, 9]), contentType: 'image/x-rgba', width: 1, height: 1 }));
      },
    },
  });
  const res = await call(clients, 'POST', '/api/thumbnails?width=1&height=1&sourceWidth=2&sourceHeight=2', { body: image, headers: { 'content-type': 'image/x-rgba' } });
  assert.deepEqual(res, { kind: 'bytes', status: 200, contentType: 'image/x-rgba', body: new Uint8Array([9, 9, 9, 9]), headers: { 'x-image-width': '1', 'x-image-height': '1' } });
  const noSize = await call(clients, 'POST', '/api/thumbnails', { body: image });
  assert.equal((noSize.body as { code: string }).code, 'invalid_argument');
});

test('unknown paths and wrong methods do not match', async () => {
  assert.equal((await call(fakes(), 'GET', '/api/nothing')).status, 404);
  assert.equal((await call(fakes(), 'DELETE', '/api/games')).status, 405);
});
