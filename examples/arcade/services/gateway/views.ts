// How RPC messages look as REST/JSON: camelCase, times as ISO strings, int64 as numbers
// (scores and counts stay far below 2^53).
import type { Game } from '../../gen/arcade/v1/catalog_pb.ts';
import type { ScoreEntry } from '../../gen/arcade/v1/scores_pb.ts';

export interface GameView {
  readonly id: string;
  readonly title: string;
  readonly genre: string;
  readonly description: string;
  readonly createdAt: string;
}

export interface ScoreView {
  readonly player: string;
  readonly points: number;
  readonly submittedAt: string;
}

export function gameView(g: Game): GameView {
  return { id: g.id, title: g.title, genre: g.genre, description: g.description, createdAt: new Date(Number(g.createdAtMs)).toISOString() };
}

export function scoreView(s: ScoreEntry): ScoreView {
  return { player: s.player, points: Number(s.points), submittedAt: new Date(Number(s.submittedAtMs)).toISOString() };
}
