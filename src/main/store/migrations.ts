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
  {
    version: 2,
    name: 'connections, clients, watch folders, documents, deliveries, activity',
    up(db) {
      db.exec(`
        -- An accounting-package configuration ("connection"): a named template for one service.
        -- Secrets are never here: they live in the OS keychain under connection.<id>.<field>.
        CREATE TABLE connections (
          id                TEXT PRIMARY KEY,
          service           TEXT NOT NULL,
          name              TEXT NOT NULL,
          families          TEXT NOT NULL,              -- JSON array: invoices, statements
          settings          TEXT NOT NULL DEFAULT '{}', -- JSON, non-secret fields only
          format            TEXT NOT NULL DEFAULT 'original',
          pdf_alongside     INTEGER NOT NULL DEFAULT 0,
          active            INTEGER NOT NULL DEFAULT 1,
          status            TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'needs-sign-in', 'error')),
          status_message    TEXT,
          terms_accepted_at TEXT,
          created_at        TEXT NOT NULL,
          updated_at        TEXT NOT NULL
        ) STRICT;

        CREATE TABLE clients (
          id                      TEXT PRIMARY KEY,
          name                    TEXT NOT NULL,
          identifiers             TEXT NOT NULL DEFAULT '[]', -- JSON array of enterprise/VAT/KVK/OIN/GLN numbers
          language                TEXT NOT NULL DEFAULT 'en',
          accounting_file_id      TEXT,
          share                   INTEGER NOT NULL DEFAULT 1,
          connection_id           TEXT REFERENCES connections(id) ON DELETE RESTRICT,
          fields                  TEXT NOT NULL DEFAULT '{}', -- JSON, per-client connector fields
          invoices_activated_at   TEXT,
          statements_activated_at TEXT,
          created_at              TEXT NOT NULL,
          updated_at              TEXT NOT NULL
        ) STRICT;

        CREATE TABLE watch_folders (
          id             INTEGER PRIMARY KEY,
          client_id      TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
          path           TEXT NOT NULL,
          polling        INTEGER NOT NULL DEFAULT 0,
          move_processed INTEGER NOT NULL DEFAULT 0,
          baseline_at    TEXT,
          UNIQUE (client_id, path)
        ) STRICT;

        -- The files a watch folder held when it (or its client) was activated: never exported unless
        -- the user asks. A file at the same path with another size or time was changed later: new.
        CREATE TABLE watch_baseline (
          watch_folder_id INTEGER NOT NULL REFERENCES watch_folders(id) ON DELETE CASCADE,
          rel_path        TEXT NOT NULL,
          size            INTEGER NOT NULL,
          mtime_ms        INTEGER NOT NULL,
          PRIMARY KEY (watch_folder_id, rel_path)
        ) STRICT, WITHOUT ROWID;

        -- One row per distinct file per client (SHA-256): the same file dropped twice is one document.
        -- The bytes are kept in the data folder (documents/<sha256>), so a delivery never depends on the original.
        CREATE TABLE documents (
          id            INTEGER PRIMARY KEY,
          client_id     TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
          sha256        TEXT NOT NULL,
          original_name TEXT NOT NULL,
          source        TEXT NOT NULL CHECK (source IN ('watch', 'import', 'sync')),
          source_path   TEXT,
          size          INTEGER NOT NULL,
          kind          TEXT NOT NULL,
          format        TEXT,
          family        TEXT CHECK (family IN ('invoices', 'statements')),
          direction     TEXT CHECK (direction IN ('sales', 'purchase', 'unknown')),
          summary       TEXT NOT NULL DEFAULT '{}', -- JSON: number, dates, parties, validation outcome
          baseline      INTEGER NOT NULL DEFAULT 0, -- present before activation: not exported unless asked
          review_reason TEXT,                       -- why it waits for the user (unknown direction, invalid e-invoice, …)
          received_at   TEXT NOT NULL,
          UNIQUE (client_id, sha256)
        ) STRICT;

        CREATE TABLE deliveries (
          id                 INTEGER PRIMARY KEY,
          document_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
          client_id          TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
          connection_id      TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
          sha256             TEXT NOT NULL,
          destination        TEXT NOT NULL,
          state              TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'waiting', 'failed', 'cancelled')),
          attempts           INTEGER NOT NULL DEFAULT 0,
          next_attempt_at    TEXT,
          last_error_code    TEXT,
          last_error_message TEXT,
          remote_ref         TEXT,
          created_at         TEXT NOT NULL,
          updated_at         TEXT NOT NULL,
          UNIQUE (client_id, connection_id, sha256, destination)
        ) STRICT;
        CREATE INDEX deliveries_by_state ON deliveries (state, next_attempt_at);

        -- Append only: what happened, for the activity view and diagnostics. Never holds a secret.
        CREATE TABLE activity (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          at            TEXT NOT NULL,
          level         TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
          event         TEXT NOT NULL,
          client_id     TEXT,
          connection_id TEXT,
          document_id   INTEGER,
          delivery_id   INTEGER,
          message       TEXT NOT NULL,
          data          TEXT NOT NULL DEFAULT '{}'
        ) STRICT;
        CREATE INDEX activity_by_time ON activity (at);
        CREATE TRIGGER activity_is_append_only_update BEFORE UPDATE ON activity BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
        CREATE TRIGGER activity_is_append_only_delete BEFORE DELETE ON activity BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
      `);
    },
  },
  {
    version: 3,
    name: 'watched files already taken in',
    up(db) {
      db.exec(`
        -- Files of a watch folder that were taken in (as they were then: size and time), so that a
        -- scan when the agent starts does not read and hash every file the folder still holds.
        -- A file at the same path with another size or time changed since: it is read again.
        CREATE TABLE watch_taken (
          watch_folder_id INTEGER NOT NULL REFERENCES watch_folders(id) ON DELETE CASCADE,
          rel_path        TEXT NOT NULL,
          size            INTEGER NOT NULL,
          mtime_ms        INTEGER NOT NULL,
          PRIMARY KEY (watch_folder_id, rel_path)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
