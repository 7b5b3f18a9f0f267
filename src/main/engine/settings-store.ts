import { DEFAULT_ENGINE_SETTINGS, engineSettingsSchema, type EngineSettings } from '../../shared/contract.ts';
import type { Db } from '../store/database.ts';

/**
 * Engine settings, one row per key holding JSON. A stored value that no longer fits the schema
 * (after a downgrade, or a hand edit) is ignored in favour of the default instead of failing start-up.
 */
export class SettingsStore {
  private readonly db: Db;
  /** The settings as last read; every change goes through set() (one engine per data folder). */
  private cached: EngineSettings | null = null;

  constructor(db: Db) {
    this.db = db;
  }

  /** The current settings (read from the database once, then kept; intake asks for every document). */
  get(): EngineSettings {
    this.cached ??= this.read();
    return this.cached;
  }

  private read(): EngineSettings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const settings: Record<string, unknown> = { ...DEFAULT_ENGINE_SETTINGS };
    const shape = engineSettingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
    for (const { key, value } of rows) {
      const field = shape[key];
      if (!field) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        continue;
      }
      const result = field.safeParse(parsed);
      if (result.success) settings[key] = result.data;
    }
    return Object.freeze(settings) as EngineSettings;
  }

  /** Applies an already validated partial update in one transaction and returns the full settings. */
  set(patch: Partial<EngineSettings>, now: Date = new Date()): EngineSettings {
    const upsert = this.db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value), now.toISOString());
      }
    })();
    this.cached = null;
    return this.get();
  }
}
