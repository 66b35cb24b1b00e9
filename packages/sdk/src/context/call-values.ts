// Values that travel with one call, by typed key (as connect-es's context values): what an
// interceptor learns about a call (the caller's identity, say) and the handler reads. Keys are
// objects, so two modules never collide by choosing the same name.
export interface CallKey<T> {
  readonly id: symbol;
  readonly defaultValue: T;
}

export function callKey<T>(defaultValue: T, description = 'call value'): CallKey<T> {
  return { id: Symbol(description), defaultValue };
}

export interface CallValues {
  get<T>(key: CallKey<T>): T;
  set<T>(key: CallKey<T>, value: T): this;
  delete(key: CallKey<unknown>): this;
}

export function callValues(): CallValues {
  const map = new Map<symbol, unknown>();
  return {
    get<T>(key: CallKey<T>): T {
      return map.has(key.id) ? (map.get(key.id) as T) : key.defaultValue;
    },
    set(key, value) {
      map.set(key.id, value);
      return this;
    },
    delete(key) {
      map.delete(key.id);
      return this;
    },
  };
}
