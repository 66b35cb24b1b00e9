// catalog and scores on a real PostgreSQL over the wire (the server bricks runs for a backing
// service locally), through their RPC handlers. One database serves both, as in the stack.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BricksError, client, serve, type Server } from '@bricks/sdk';
import { CatalogService } from '../gen/arcade/v1/catalog_pb.ts';
import { ScoresService } from '../gen/arcade/v1/scores_pb.ts';
import { openDatabase, type Database } from '../lib/index.ts';
import { startTestPostgres, type TestPostgres } from '../lib/test-postgres.ts';
import { catalogService, DEFAULT_PAGE_SIZE } from './catalog/handlers.ts';
import { CATALOG_SCHEMA, CatalogStore, slug } from './catalog/store.ts';
import { scoresService } from './scores/handlers.ts';
import { SCORES_SCHEMA, ScoresStore } from './scores/store.ts';

let pg: TestPostgres;
let db: Database;
let server: Server;
let catalog: ReturnType<typeof client<typeof CatalogService>>;
let scores: ReturnType<typeof client<typeof ScoresService>>;

before(async () => {
  pg = await startTestPostgres();
  db = await openDatabase(pg.url, 'unused-by-the-embedded-server', [...CATALOG_SCHEMA, ...SCORES_SCHEMA]);
  server = await serve({ services: [catalogService(new CatalogStore(db))], port: 0, host: '127.0.0.1', handleSignals: false, drainDelayMs: 0 });
  // Co-located: the calls go in-process, with the same codes as over the wire.
  catalog = client(CatalogService, { url: server.url });
  server.add([scoresService(new ScoresStore(db), catalog)]);
  scores = client(ScoresService, { url: server.url });
});

after(async () => {
  await server?.shutdown();
  await db?.close();
  await pg?.stop();
});

const code = (c: string) => (e: unknown) => e instanceof BricksError && e.code === c;

test('the schema is idempotent and seeds the catalog once, also when replicas apply it at once', async () => {
  const replicas = await Promise.all([1, 2, 3].map(() => openDatabase(pg.url, 'x', [...CATALOG_SCHEMA, ...SCORES_SCHEMA])));
  await Promise.all(replicas.map((r) => r.close()));
  const { games } = await catalog.listGames({});
  assert.deepEqual(games.map((g) => g.id).sort(), ['maze', 'rocket', 'tetra']);
});

test('GetGame finds a game, not_found for an unknown id, invalid_argument for none', async () => {
  const { game } = await catalog.getGame({ id: 'tetra' });
  assert.equal(game?.title, 'Tetra');
  assert.ok((game?.createdAtMs ?? 0n) > 0n);
  await assert.rejects(catalog.getGame({ id: 'nope' }), code('not_found'));
  await assert.rejects(catalog.getGame({ id: '' }), code('invalid_argument'));
});

test('CreateGame makes a readable id, trims, lowercases the genre; ListGames filters and pages', async () => {
  const { game } = await catalog.createGame({ title: '  Star Chase! ', genre: 'Arcade', description: 'zoom' });
  assert.match(game?.id ?? '', /^star-chase-[0-9a-f]{6}$/);
  assert.deepEqual([game?.title, game?.genre], ['Star Chase!', 'arcade']);
  assert.deepEqual((await catalog.getGame({ id: game?.id ?? '' })).game?.description, 'zoom');
  const arcade = await catalog.listGames({ genre: 'arcade' });
  assert.deepEqual(arcade.games.map((g) => g.id), ['rocket', game?.id]);
  assert.equal((await catalog.listGames({ pageSize: 1 })).games.length, 1);
  assert.ok((await catalog.listGames({})).games.length <= DEFAULT_PAGE_SIZE);
  await assert.rejects(catalog.createGame({ title: '   ' }), code('invalid_argument'));
  await assert.rejects(catalog.listGames({ pageSize: -1 }), code('invalid_argument'));
});

test('slug: punctuation and accents fold to dashes, an empty title still gets an id', () => {
  assert.match(slug('Café Über--Run'), /^cafe-uber-run-[0-9a-f]{6}$/);
  assert.match(slug('!!!'), /^game-[0-9a-f]{6}$/);
});

test('SubmitScore ranks against the game board; TopScores is best first, ties in submission order', async () => {
  assert.equal((await scores.submitScore({ gameId: 'maze', player: 'ann', points: 50n })).rank, 1);
  assert.equal((await scores.submitScore({ gameId: 'maze', player: 'bob', points: 80n })).rank, 1);
  assert.equal((await scores.submitScore({ gameId: 'maze', player: 'cy', points: 50n })).rank, 2);
  // Another game's scores do not count.
  assert.equal((await scores.submitScore({ gameId: 'rocket', player: 'dee', points: 999n })).rank, 1);
  const { entries } = await scores.topScores({ gameId: 'maze' });
  assert.deepEqual(entries.map((e) => [e.player, e.points]), [['bob', 80n], ['ann', 50n], ['cy', 50n]]);
  assert.equal((await scores.topScores({ gameId: 'maze', limit: 1 })).entries.length, 1);
  assert.deepEqual((await scores.topScores({ gameId: 'tetra' })).entries, []);
});

test('SubmitScore checks the game with catalog and validates its input', async () => {
  await assert.rejects(scores.submitScore({ gameId: 'nope', player: 'ann', points: 1n }), code('not_found'));
  await assert.rejects(scores.submitScore({ gameId: 'maze', player: ' ', points: 1n }), code('invalid_argument'));
  await assert.rejects(scores.submitScore({ gameId: 'maze', player: 'ann', points: -1n }), code('invalid_argument'));
  await assert.rejects(scores.submitScore({ gameId: 'maze', player: 'ann', points: 2n ** 60n }), code('out_of_range'));
  await assert.rejects(scores.topScores({ gameId: '' }), code('invalid_argument'));
});
