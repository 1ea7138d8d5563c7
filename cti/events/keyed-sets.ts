/** Sets of values by key, a key dropped with its last value: who listens to which channel, which desktops an agent has open. */
export class KeyedSets<K, V> {
  private readonly sets = new Map<K, Set<V>>();

  /** Adds `value` under `key` until the returned function is called. */
  add(key: K, value: V): () => void {
    let set = this.sets.get(key);
    if (!set) {
      set = new Set();
      this.sets.set(key, set);
    }
    set.add(value);
    return () => {
      const current = this.sets.get(key);
      current?.delete(value);
      if (current?.size === 0) this.sets.delete(key);
    };
  }

  /** A copy of the values under `key` (empty when none): safe to iterate while they change. */
  valuesOf(key: K): V[] {
    const set = this.sets.get(key);
    return set ? [...set] : [];
  }

  clear(): void {
    this.sets.clear();
  }
}
