/** Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min, … capped at 1 h; a server's Retry-After wins when longer. */
export function nextDelayMs(attempts: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return retryAfterMs !== null && retryAfterMs > jittered ? retryAfterMs : jittered;
}
