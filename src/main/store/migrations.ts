import type Database from 'better-sqlite3';

export interface Migration {
  /** Schema version after this migration; versions are 1, 2, 3, … with no gaps. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Append only: a released migration is never edited, a change is a new migration.
 * Each runs in its own transaction and bumps `PRAGMA user_version`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'meta and settings',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
        CREATE TABLE settings (
          key        TEXT PRIMARY KEY,
          value      TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
