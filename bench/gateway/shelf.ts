// The one answer of the benchmark, shared by the RPC backend and the plain HTTP replica so
// every side sends the same JSON: {"id":"7","theme":"…","labels":[…]}.
export const SHELF_ID = 7;
export const SHELF_THEME = 'arcade classics';
export const SHELF_LABELS = ['asteroids', 'pong', 'tetris'];
export const SHELF_JSON = JSON.stringify({ id: String(SHELF_ID), theme: SHELF_THEME, labels: SHELF_LABELS });
