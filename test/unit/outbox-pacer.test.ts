import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/main/outbox/pacer.ts';
import { nextDelayMs } from '../../src/main/outbox/backoff.ts';

describe('per-connection rate limit', () => {
  it('lets at most perMinute attempts start in any minute, per connection', async () => {
    let clock = 0;
    const slept: number[] = [];
    const pacer = new Pacer(
      () => clock,
      async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    );
    const starts: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await pacer.wait('exact', 3);
      starts.push(clock);
      clock += 1000;
    }
    expect(starts).toEqual([0, 1000, 2000, 60_000, 61_000, 62_000, 120_000]);
    // Another connection is not held back by the first one's budget.
    await pacer.wait('yuki', 3);
    expect(clock).toBe(121_000);
    // No limit: never waits.
    const before = slept.length;
    for (let i = 0; i < 100; i += 1) await pacer.wait('local', undefined);
    expect(slept.length).toBe(before);
  });
});

describe('retry backoff', () => {
  it('doubles from 30 s up to 1 h with ±20 % jitter, and honours a longer Retry-After', () => {
    expect(nextDelayMs(1, null, () => 0.5)).toBe(30_000);
    expect(nextDelayMs(2, null, () => 0.5)).toBe(60_000);
    expect(nextDelayMs(20, null, () => 0.5)).toBe(3_600_000);
    expect(nextDelayMs(1, null, () => 0)).toBe(24_000);
    expect(nextDelayMs(1, null, () => 1)).toBe(36_000);
    expect(nextDelayMs(1, 120_000, () => 0.5)).toBe(120_000);
    expect(nextDelayMs(5, 1_000, () => 0.5)).toBe(480_000);
  });
});
