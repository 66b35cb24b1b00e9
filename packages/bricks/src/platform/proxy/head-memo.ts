// The last head parsed on one connection and what it parsed to. Heads repeat: a replica answers
// with the same status line and headers (its Date changes once a second), a client repeats
// the same request on its keep-alive connection. An identical head parses to the same result,
// so a repeat costs one string comparison instead of a parse (about a third of the proxy's own
// JavaScript time per small request, measured with the proxy benchmark's heads).

/** Heads are remembered only when the read they came from is at most this long: the head is a
 * slice that keeps its whole read alive, so this bounds what a connection retains. 4 KiB holds
 * a typical head with a small body. */
export const maxMemoSourceChars = 4 * 1024;

export class HeadMemo<T> {
  private text = '';
  private variant = false;
  private value: T | undefined;

  /** The remembered result for `text` parsed as `variant` (whatever else the parse depends on),
   * or undefined. */
  get(text: string, variant: boolean): T | undefined {
    return text === this.text && variant === this.variant ? this.value : undefined;
  }

  /** Remembers a successful parse; `sourceLength` is the length of the read `text` is a slice of. */
  set(text: string, variant: boolean, value: T, sourceLength: number): void {
    if (sourceLength > maxMemoSourceChars) return;
    this.text = text;
    this.variant = variant;
    this.value = value;
  }
}
