/**
 * A ConnectorContext whose keychain is a Map, for tests that call a connector or the OAuth module
 * directly (the CLI tests use the real Secret Service). `writes` lists every setSecret in order.
 */
import type { ConnectorContext } from '../../src/main/connectors/types.ts';

export interface MemoryContext extends ConnectorContext {
  secrets: Map<string, string>;
  writes: { key: string; value: string | null }[];
  progressEvents: { sent: number; total: number }[];
}

export function memoryContext(connectionId: string, settings: Record<string, unknown>, secrets: Record<string, string> = {}): MemoryContext {
  const store = new Map(Object.entries(secrets));
  const writes: MemoryContext['writes'] = [];
  const progressEvents: MemoryContext['progressEvents'] = [];
  return {
    connectionId,
    settings,
    secrets: store,
    writes,
    progressEvents,
    secret: async (key) => store.get(key) ?? null,
    setSecret: async (key, value) => {
      writes.push({ key, value });
      if (value === null) store.delete(key);
      else store.set(key, value);
    },
    progress: (sent, total) => progressEvents.push({ sent, total }),
  };
}
