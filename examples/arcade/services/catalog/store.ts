// catalog's state: the games table in PostgreSQL, its schema and seed, and the queries the
// RPC handlers need. Knows SQL, not RPC.
import { randomBytes } from 'node:crypto';
import type { Sql } from '../../lib/index.ts';

export interface GameRow {
  readonly id: string;
  readonly title: string;
  readonly genre: string;
  readonly description: string;
  readonly createdAt: Date;
}

export const CATALOG_SCHEMA = [
  `create table if not exists games (
     id text primary key,
     title text not null,
     genre text not null,
     description text not null default '',
     created_at timestamptz not null default now()
   )`,
  'create index if not exists games_genre on games (genre, created_at, id)',
  // The games a fresh catalog starts with; a restart keeps whatever is there.
  `insert into games (id, title, genre, description) values
     ('tetra', 'Tetra', 'puzzle', 'Falling blocks, cleared line by line.'),
     ('rocket', 'Rocket Run', 'arcade', 'Dodge asteroids as long as you can.'),
     ('maze', 'Maze Master', 'puzzle', 'Find the way out before the torch burns down.')
   on conflict (id) do nothing`,
];

interface DbGame {
  id: string;
  title: string;
  genre: string;
  description: string;
  created_at: Date;
}

const COLUMNS = 'id, title, genre, description, created_at';

function row(g: DbGame): GameRow {
  return { id: g.id, title: g.title, genre: g.genre, description: g.description, createdAt: g.created_at };
}

/** `Rocket Run!` → `rocket-run`: readable ids; a random suffix keeps two games of one title apart. */
export function slug(title: string): string {
  const base = title
    .normalize('NFKD')
    // NFKD splits `é` into `e` and a combining accent; the accents go.
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base === '' ? 'game' : base}-${randomBytes(3).toString('hex')}`;
}

export class CatalogStore {
  constructor(private readonly sql: Sql) {}

  /** Oldest first, so pages stay stable while games are added. */
  async list(genre: string, limit: number): Promise<GameRow[]> {
    const { rows } =
      genre === ''
        ? await this.sql.query<DbGame>(`select ${COLUMNS} from games order by created_at, id limit $1`, [limit])
        : await this.sql.query<DbGame>(`select ${COLUMNS} from games where genre = $1 order by created_at, id limit $2`, [genre, limit]);
    return rows.map(row);
  }

  async get(id: string): Promise<GameRow | undefined> {
    const { rows } = await this.sql.query<DbGame>(`select ${COLUMNS} from games where id = $1`, [id]);
    const found = rows[0];
    return found === undefined ? undefined : row(found);
  }

  async create(game: { title: string; genre: string; description: string }): Promise<GameRow> {
    const { rows } = await this.sql.query<DbGame>(
      `insert into games (id, title, genre, description) values ($1, $2, $3, $4) returning ${COLUMNS}`,
      [slug(game.title), game.title, game.genre, game.description],
    );
    const created = rows[0];
    if (created === undefined) throw new Error('insert returned no row');
    return row(created);
  }
}
