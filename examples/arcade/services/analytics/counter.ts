// Event counts of one analytics replica, in memory: per event name, with event ids remembered
// for a while so that a retried Track (the SDK retries it: it is IDEMPOTENT) counts once.
// Stateless from the caller's view: any replica takes any event, each counts what it saw.

// About a minute of a busy replica's events (thousands per second would need a time window);
// a retry arrives within milliseconds to seconds, far inside it.
export const REMEMBERED_IDS = 100_000;

export class EventCounter {
  readonly #counts = new Map<string, number>();
  /** Insertion-ordered: the oldest id is the first one forgotten. */
  readonly #seen = new Set<string>();

  constructor(private readonly remembered: number = REMEMBERED_IDS) {}

  /** Counts the event unless its id was seen; returns whether it counted and the name's count. */
  track(eventId: string, name: string): { accepted: boolean; count: number } {
    if (eventId !== '' && this.#seen.has(eventId)) return { accepted: false, count: this.count(name) };
    if (eventId !== '') {
      this.#seen.add(eventId);
      if (this.#seen.size > this.remembered) {
        const oldest = this.#seen.values().next();
        if (oldest.done !== true) this.#seen.delete(oldest.value);
      }
    }
    const count = this.count(name) + 1;
    this.#counts.set(name, count);
    return { accepted: true, count };
  }

  count(name: string): number {
    return this.#counts.get(name) ?? 0;
  }
}
