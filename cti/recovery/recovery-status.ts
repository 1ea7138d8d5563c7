/**
 * Which recovery steps are running right now (reconciling with the PBX after a restart, importing
 * calls taken while the server was down). While any runs, the server is not yet taking calls as
 * usual, and `/health` says so.
 */
export class RecoveryStatus {
  private readonly running = new Map<string, number>();

  begin(step: string): void {
    this.running.set(step, (this.running.get(step) ?? 0) + 1);
  }

  end(step: string): void {
    const n = (this.running.get(step) ?? 0) - 1;
    if (n > 0) this.running.set(step, n);
    else this.running.delete(step);
  }

  /** Runs `work` as the recovery step `step`. */
  async during<T>(step: string, work: () => Promise<T>): Promise<T> {
    this.begin(step);
    try {
      return await work();
    } finally {
      this.end(step);
    }
  }

  isRecovering(): boolean {
    return this.running.size > 0;
  }

  /** The steps under way, for `/health`. */
  steps(): string[] {
    return [...this.running.keys()];
  }
}
