/**
 * Work that must happen one after another for each key (a call's progress writes, a ticket's
 * changes, an agent's desktop messages) while other keys go on side by side: a task starts once the
 * key's previous task has settled, whatever its outcome. The store is asynchronous, so two steps of
 * one call or ticket issued in order could otherwise finish in the other order.
 */
export class KeyedTurns<K> {
  /** Per key, the end of its last task (never rejects). Gone once the key has nothing pending. */
  private readonly tails = new Map<K, Promise<void>>();

  /** Runs `task` after the key's earlier tasks; resolves or rejects as `task` does. */
  run<T>(key: K, task: () => T | Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }

  /** Whether the key has a task not yet settled. */
  busy(key: K): boolean {
    return this.tails.has(key);
  }

  /** Resolves once every task queued so far for the key has settled. */
  idle(key: K): Promise<void> {
    return this.tails.get(key) ?? Promise.resolve();
  }

  /** Resolves once no key has a task pending. */
  async idleAll(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
