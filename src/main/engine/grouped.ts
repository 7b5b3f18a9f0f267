/**
 * Group commit for any per-key flush (an fsync of the database's WAL, of a folder after a rename):
 * `flush(key)` resolves once a run of `run(key)` that *started after the call* has finished, so
 * everything the caller did before is covered — and every caller that arrives while a run is under
 * way shares the single next run. N callers at once cost two runs, not N.
 */
export interface Grouped<K> {
  (key: K): Promise<void>;
  /** Resolves when the runs under way or queued for `key` are over (errors ignored). */
  settled(key: K): Promise<void>;
}

export function grouped<K>(run: (key: K) => Promise<void>): Grouped<K> {
  const states = new Map<K, { current: Promise<void> | null; next: Promise<void> | null }>();
  const flush = (key: K): Promise<void> => {
    let state = states.get(key);
    if (!state) {
      state = { current: null, next: null };
      states.set(key, state);
    }
    if (state.next) return state.next;
    const s = state;
    const previous = s.current;
    const next = (async () => {
      if (previous) await previous.catch(() => undefined);
      s.next = null;
      const current = run(key);
      s.current = current;
      try {
        await current;
      } finally {
        if (s.current === current) {
          s.current = null;
          if (s.next === null && states.get(key) === s) states.delete(key);
        }
      }
    })();
    s.next = next;
    return next;
  };
  flush.settled = async (key: K): Promise<void> => {
    const state = states.get(key);
    await state?.next?.catch(() => undefined);
    await state?.current?.catch(() => undefined);
  };
  return flush;
}
