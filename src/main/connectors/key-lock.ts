/**
 * A lock per key inside this process: `lock(key, fn)` runs fn alone among the callers with the
 * same key, in arrival order. Connectors use it for "check the name, then put the file there"
 * steps that the destination cannot do atomically (one folder, one remote path).
 */
export type KeyLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function createKeyLock(): KeyLock {
  const tails = new Map<string, Promise<void>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    tails.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (tails.get(key) === chained) tails.delete(key);
    }
  };
}
