// The CatalogService RPCs over the games table: validation, defaults and error codes live here.
import { BricksError, implement, logger, type ServiceImplementation } from '@bricks/sdk';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { CatalogService, type GameSchema } from '../../gen/arcade/v1/catalog_pb.ts';
import type { CatalogStore, GameRow } from './store.ts';

// A page is one screen of a game picker; 200 bounds the cost of one call.
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const MAX_TITLE = 100;
const MAX_DESCRIPTION = 2000;

function game(r: GameRow): MessageInitShape<typeof GameSchema> {
  return { id: r.id, title: r.title, genre: r.genre, description: r.description, createdAtMs: BigInt(r.createdAt.getTime()) };
}

export function catalogService(store: CatalogStore): ServiceImplementation {
  return implement(CatalogService, {
    async listGames(req) {
      if (req.pageSize < 0) throw new BricksError('invalid_argument', 'page_size must not be negative');
      const limit = req.pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(req.pageSize, MAX_PAGE_SIZE);
      return { games: (await store.list(req.genre.trim().toLowerCase(), limit)).map(game) };
    },
    async getGame(req) {
      if (req.id === '') throw new BricksError('invalid_argument', 'id is required');
      const found = await store.get(req.id);
      if (found === undefined) throw new BricksError('not_found', `no game ${req.id}`);
      return { game: game(found) };
    },
    async createGame(req) {
      const title = req.title.trim();
      if (title === '') throw new BricksError('invalid_argument', 'title is required');
      if (title.length > MAX_TITLE) throw new BricksError('invalid_argument', `title is longer than ${MAX_TITLE} characters`);
      if (req.description.length > MAX_DESCRIPTION) throw new BricksError('invalid_argument', `description is longer than ${MAX_DESCRIPTION} characters`);
      const genre = req.genre.trim().toLowerCase() || 'unknown';
      const created = await store.create({ title, genre, description: req.description });
      // Inside the call: the line carries its trace id (bricks logs --trace finds it).
      logger.info({ id: created.id }, 'game created');
      return { game: game(created) };
    },
  });
}
