// POST /v1/scale, /v1/restart and /v1/down: what they answer. Their request bodies are in
// bodies.ts, with the schemas that check them.
export interface ScaleAnswer {
  readonly service: string;
  readonly replicas: number;
}

export interface RestartAnswer {
  readonly service: string;
  readonly restarting: true;
}

export interface DownAnswer {
  readonly stopping: true;
}
