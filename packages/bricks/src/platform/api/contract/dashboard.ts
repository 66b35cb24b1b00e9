// POST /v1/dashboard/login: a one-time login link to the dashboard, which `bricks up` and
// `bricks dashboard` print. Behind the API token, like every command.
export interface DashboardLoginAnswer {
  /** http://127.0.0.1:PORT/login?code=…: opens a session once, then is spent. */
  readonly url: string;
  /** Epoch ms after which the link is refused. */
  readonly expiresAt: number;
}
