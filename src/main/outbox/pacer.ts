/**
 * Per-connection rate limits (a connector's `limits.perMinute`, e.g. Exact Online's 60 calls a
 * minute): a sliding one-minute window of attempt starts per connection. `wait` resolves when the
 * next attempt may start.
 */
export class Pacer {
  private readonly starts = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(now: () => number = Date.now, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
    this.now = now;
    this.sleep = sleep;
  }

  async wait(connectionId: string, perMinute: number | undefined): Promise<void> {
    if (!perMinute || perMinute <= 0) return;
    for (;;) {
      const now = this.now();
      const recent = (this.starts.get(connectionId) ?? []).filter((t) => t > now - 60_000);
      if (recent.length < perMinute) {
        recent.push(now);
        this.starts.set(connectionId, recent);
        return;
      }
      this.starts.set(connectionId, recent);
      await this.sleep(recent[0]! + 60_000 - now);
    }
  }
}
