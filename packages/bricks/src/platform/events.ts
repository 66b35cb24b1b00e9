// A fan-out with a bounded history: the daemon's event bus (of PlatformEvents, which the control
// API's contract defines), made once by the daemon and handed to every part that tells or
// listens; the log store's live lines are another.
export type Listener<T> = (value: T) => void;

/** A minimal fan-out with a bounded history, so a late subscriber sees recent events. */
export class EventBus<T> {
  private readonly listeners = new Set<Listener<T>>();
  private readonly recent: T[] = [];

  constructor(private readonly keep = 200) {}

  emit(value: T): void {
    this.recent.push(value);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const l of this.listeners) l(value);
  }

  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  history(): readonly T[] {
    return this.recent;
  }
}
