// The arcade example's end-to-end checks through its gateway, shared by every target's test
// (local: test/arcade.e2e.test.ts, Docker Swarm: test/swarm-arcade.e2e.test.ts), so that the
// same stack is held to the same behaviour wherever it runs.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TestContext } from 'node:test';
import { get, until } from './bricks.ts';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function send(method: string, url: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = request(url, { method, agent: false, timeout: 15_000, headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function json(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const r = await send(method, url, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  return { status: r.status, body: JSON.parse(r.body.toString('utf8')) as unknown };
}

/** A w x h binary PPM whose pixel (x, y) is (x, y, 200). */
export function ppm(w: number, h: number): Buffer {
  const pixels = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([x, y, 200], (y * w + x) * 3);
  return Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`, 'latin1'), pixels]);
}

export interface ArcadeCheckOptions {
  /** The analytics replicas' names, which must all answer events (`analytics.1`, `analytics.2`). */
  readonly analyticsReplicas: readonly string[];
  /** A player's token with these scopes, from the issuer the stack's x-bricks.auth names. */
  readonly userToken: (scopes: readonly string[]) => Promise<string>;
}

/**
 * Every REST endpoint through the gateway at `gw` on a freshly started arcade (seeded catalog,
 * empty leaderboards), as subtests of `t`. Returns the id of the game it created.
 */
export async function checkArcade(t: TestContext, gw: string, opts: ArcadeCheckOptions): Promise<{ createdGame: string }> {
  await t.test('health', async () => {
    assert.equal((await get(`${gw}/healthz`)).status, 200);
    assert.equal((await get(`${gw}/readyz`)).status, 200);
  });

  let created = '';
  await t.test('games: list, get, create, filter; 404 and 400 as JSON errors', async () => {
    const list = await json('GET', `${gw}/api/games`);
    assert.equal(list.status, 200);
    assert.deepEqual((list.body as { games: { id: string }[] }).games.map((g) => g.id).sort(), ['maze', 'rocket', 'tetra']);

    const one = await json('GET', `${gw}/api/games/tetra`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, {
      game: { id: 'tetra', title: 'Tetra', genre: 'puzzle', description: 'Falling blocks, cleared line by line.', createdAt: (one.body as { game: { createdAt: string } }).game.createdAt },
      topScores: [],
    });

    const missing = await json('GET', `${gw}/api/games/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: { code: 'not_found', message: 'no game nope' } });

    // Creating a game takes a player's token with games:write.
    const star = { title: 'Star Chase', genre: 'Arcade', description: 'zoom' };
    const anonymous = await send('POST', `${gw}/api/games`, JSON.stringify(star), { 'content-type': 'application/json' });
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Bearer realm=/);
    assert.equal((JSON.parse(anonymous.body.toString()) as { error: { code: string } }).error.code, 'unauthenticated');
    const reader = { authorization: `Bearer ${await opts.userToken(['games:read'])}` };
    assert.equal((await json('POST', `${gw}/api/games`, star, reader)).status, 403);
    const writer = { authorization: `Bearer ${await opts.userToken(['games:read', 'games:write'])}` };
    const made = await json('POST', `${gw}/api/games`, star, writer);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const game = (made.body as { game: { id: string; title: string; genre: string } }).game;
    assert.match(game.id, /^star-chase-[0-9a-f]{6}$/);
    assert.deepEqual([game.title, game.genre], ['Star Chase', 'arcade']);
    created = game.id;
    const arcade = await json('GET', `${gw}/api/games?genre=arcade`);
    assert.deepEqual((arcade.body as { games: { id: string }[] }).games.map((g) => g.id), ['rocket', created]);

    const untitled = await json('POST', `${gw}/api/games`, { genre: 'puzzle' }, writer);
    assert.equal(untitled.status, 400);
    assert.equal((untitled.body as { error: { code: string } }).error.code, 'invalid_argument');
    const blank = await json('POST', `${gw}/api/games`, { title: '  ' }, writer);
    assert.deepEqual(blank, { status: 400, body: { error: { code: 'invalid_argument', message: 'title is required' } } });
    assert.equal((await send('DELETE', `${gw}/api/games`)).status, 405);
  });

  await t.test('scores: submit with rank, the leaderboard on the game page, 404 for an unknown game', async () => {
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'ann', points: 100 }), { status: 201, body: { rank: 1 } });
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'bob', points: 150 }), { status: 201, body: { rank: 1 } });
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'cy', points: 120 }), { status: 201, body: { rank: 2 } });
    const page = await json('GET', `${gw}/api/games/tetra`);
    assert.deepEqual(
      (page.body as { topScores: { player: string; points: number }[] }).topScores.map((s) => [s.player, s.points]),
      [['bob', 150], ['cy', 120], ['ann', 100]],
    );
    const unknown = await json('POST', `${gw}/api/scores`, { gameId: 'nope', player: 'ann', points: 1 });
    assert.deepEqual(unknown, { status: 404, body: { error: { code: 'not_found', message: 'no game nope' } } });
    assert.equal((await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'ann' })).status, 400);
  });

  await t.test('events: accepted with 202, balanced over every analytics replica, a repeated id counted once', async () => {
    const replicas = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const r = await json('POST', `${gw}/api/events`, { name: 'play', gameId: 'tetra', player: 'ann' });
      assert.equal(r.status, 202);
      const body = r.body as { accepted: boolean; replica: string; count: number };
      assert.equal(body.accepted, true);
      replicas.add(body.replica);
    }
    // Two replicas, each picked with probability 1/2 per call: all 16 on one is a 2^-15 chance.
    assert.deepEqual([...replicas].sort(), [...opts.analyticsReplicas].sort());
    // A duplicate is only caught by the replica that saw the id: repeat until one lands there.
    const first = (await json('POST', `${gw}/api/events`, { eventId: 'e2e-once', name: 'quit' })).body as { replica: string; count: number };
    await until('a repeat of the event id to reach the replica that counted it', async () => {
      const again = (await json('POST', `${gw}/api/events`, { eventId: 'e2e-once', name: 'quit' })).body as { accepted: boolean; replica: string; count: number };
      if (again.replica !== first.replica) return undefined;
      assert.deepEqual(again, { accepted: false, replica: first.replica, count: first.count });
      return true;
    });
    assert.equal((await json('POST', `${gw}/api/events`, { name: 'Bad Name!' })).status, 400);
  });

  await t.test('thumbnails: a PPM cover is cropped to its centre; a format it does not read is 400', async () => {
    await checkThumbnails(gw);
  });

  return { createdGame: created };
}

/** One crop through the gateway: a 10x6 PPM to its centred 4x2 window. */
export async function checkThumbnails(gw: string): Promise<void> {
  const r = await send('POST', `${gw}/api/thumbnails?width=4&height=2`, ppm(10, 6), { 'content-type': 'image/x-portable-pixmap' });
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers['content-type'], 'image/x-portable-pixmap');
  assert.deepEqual([r.headers['x-image-width'], r.headers['x-image-height']], ['4', '2']);
  const header = Buffer.from('P6\n4 2\n255\n', 'latin1');
  assert.deepEqual(r.body.subarray(0, header.length), header);
  // The centred 4x2 window of 10x6 starts at (3, 2).
  assert.deepEqual([...r.body.subarray(header.length, header.length + 3)], [3, 2, 200]);
  const png = await send('POST', `${gw}/api/thumbnails?width=4&height=2`, Buffer.from('not a png'), { 'content-type': 'image/png' });
  assert.equal(png.status, 400);
}
