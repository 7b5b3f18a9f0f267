import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { EngineError, firstLine } from '../engine/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

export type Db = Database.Database;

const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

function isCorruption(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

export function corruptDatabaseError(path: string, error: unknown): EngineError {
  const detail = error instanceof Error ? firstLine(error.message) : String(error);
  return new EngineError(
    'database-corrupt',
    `The database ${path} is damaged (${detail}).`,
    { cause: error, fix: 'Ledgerdrop left it untouched: restore it from a backup, or move it aside to start with an empty one.' },
  );
}

export interface OpenDatabaseOptions {
  migrations?: readonly Migration[];
}

/**
 * Opens (or creates) the engine database with the durability settings the outbox relies on
 * (WAL, synchronous=FULL, foreign keys) and brings its schema up to date. A database that holds
 * data is copied to `<name>.before-v<N>.bak` before a migration touches it.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.at(-1)?.version ?? 0;
  let db: Db | undefined;
  try {
    db = new Database(path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) {
      throw new EngineError(
        'database-too-new',
        `The database ${path} was written by a newer Ledgerdrop (schema ${current}; this version knows up to ${latest}).`,
        { fix: 'Update Ledgerdrop to open it.' },
      );
    }
    if (current < latest) {
      if (current > 0) backupBeforeMigration(db, path, latest);
      migrate(db, migrations, current);
    }
    return db;
  } catch (error) {
    db?.close();
    if (isCorruption(error)) throw corruptDatabaseError(path, error);
    throw error;
  }
}

function backupBeforeMigration(db: Db, path: string, target: number): void {
  const backup = `${path}.before-v${target}.bak`;
  if (!existsSync(backup)) db.exec(`VACUUM INTO '${backup.replaceAll("'", "''")}'`);
}

function migrate(db: Db, migrations: readonly Migration[], from: number): void {
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

export interface DatabaseHealth {
  exists: boolean;
  schemaVersion: number;
  latestSchemaVersion: number;
  sizeBytes: number;
}

/**
 * Read-only health check for `doctor`: opens without creating or migrating anything and runs
 * SQLite's quick_check. Works while another engine holds the data folder.
 */
export function inspectDatabase(path: string): DatabaseHealth {
  if (!existsSync(path)) return { exists: false, schemaVersion: 0, latestSchemaVersion: LATEST_SCHEMA_VERSION, sizeBytes: 0 };
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    return { exists: true, schemaVersion, latestSchemaVersion: LATEST_SCHEMA_VERSION, sizeBytes: statSync(path).size };
  } catch (error) {
    if (isCorruption(error)) throw corruptDatabaseError(path, error);
    throw error;
  } finally {
    db?.close();
  }
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per database connection (preparing costs more than running on hot paths). */
export function sql(db: Db, text: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    statement = db.prepare(text);
    cache.set(text, statement);
  }
  // A caller may have switched the shared statement to pluck mode; every caller starts from rows.
  return statement.reader ? statement.pluck(false) : statement;
}
