/** Counts by key, a key dropped when its count falls to zero: callers on their way into a line, per line or skill. */
export class KeyedCounts<K> {
  private readonly counts = new Map<K, number>();

  /** Counts one under `key` until the returned function is called (once; later calls do nothing). */
  hold(key: K): () => void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  count(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  keys(): IterableIterator<K> {
    return this.counts.keys();
  }
}
