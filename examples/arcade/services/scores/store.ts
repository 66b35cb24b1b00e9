// scores' state: every submitted score in PostgreSQL, and the leaderboard queries. Knows SQL,
// not RPC.
import type { Database } from '../../lib/index.ts';

export interface ScoreRow {
  readonly player: string;
  readonly points: number;
  readonly submittedAt: Date;
}

export const SCORES_SCHEMA = [
  `create table if not exists scores (
     id bigint generated always as identity primary key,
     game_id text not null,
     player text not null,
     points bigint not null,
     submitted_at timestamptz not null default now()
   )`,
  // The leaderboard query reads this index in order and stops at the limit.
  'create index if not exists scores_board on scores (game_id, points desc, submitted_at, id)',
];

interface DbScore {
  player: string;
  points: number;
  submitted_at: Date;
}

export class ScoresStore {
  constructor(private readonly db: Database) {}

  /** Records a score and returns its 1-based rank: one more than the scores strictly above it. */
  submit(gameId: string, player: string, points: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('insert into scores (game_id, player, points) values ($1, $2, $3)', [gameId, player, points]);
      const { rows } = await tx.query<{ above: number }>('select count(*)::int as above from scores where game_id = $1 and points > $2', [gameId, points]);
      return (rows[0]?.above ?? 0) + 1;
    });
  }

  /** Best first; equal points in the order they were submitted. */
  async top(gameId: string, limit: number): Promise<ScoreRow[]> {
    const { rows } = await this.db.query<DbScore>(
      'select player, points, submitted_at from scores where game_id = $1 order by points desc, submitted_at, id limit $2',
      [gameId, limit],
    );
    return rows.map((r) => ({ player: r.player, points: Number(r.points), submittedAt: r.submitted_at }));
  }
}
