import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/database.ts';
import { MIGRATIONS, type Migration } from '../../src/main/store/migrations.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

const v2: Migration = {
  version: 2,
  name: 'add notes',
  up(db) {
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT');
  },
};

describe('database migrations', () => {
  it('numbers migrations 1, 2, 3 … without gaps', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1));
  });

  it('brings a new database to the latest version with durable settings', () => {
    const db = openDatabase(join(temp.make(), 'a.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['activity', 'clients', 'connections', 'deliveries', 'documents', 'meta', 'settings', 'sqlite_sequence', 'watch_baseline', 'watch_folders', 'watch_taken']);
    db.close();
  });

  it('keeps the activity log append-only', () => {
    const db = openDatabase(join(temp.make(), 'a.db'));
    db.prepare("INSERT INTO activity (at, level, event, message) VALUES ('2026-01-01T00:00:00Z', 'info', 'test', 'hello')").run();
    expect(() => db.prepare("UPDATE activity SET message = 'changed'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM activity').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT message FROM activity').pluck().all()).toEqual(['hello']);
    db.close();
  });

  it('allows one delivery per client, connection, document and destination', () => {
    const db = openDatabase(join(temp.make(), 'a.db'));
    const now = '2026-01-01T00:00:00Z';
    db.prepare("INSERT INTO connections (id, service, name, families, created_at, updated_at) VALUES ('c', 'local-folder', 'C', '[]', ?, ?)").run(now, now);
    db.prepare("INSERT INTO clients (id, name, connection_id, created_at, updated_at) VALUES ('acme', 'ACME', 'c', ?, ?)").run(now, now);
    db.prepare("INSERT INTO documents (id, client_id, sha256, original_name, source, size, kind, received_at) VALUES (1, 'acme', 'abc', 'a.xml', 'import', 1, 'invoice', ?)").run(now);
    const insert = db.prepare("INSERT INTO deliveries (document_id, client_id, connection_id, sha256, destination, state, created_at, updated_at) VALUES (1, 'acme', 'c', 'abc', 'main', 'queued', ?, ?)");
    insert.run(now, now);
    expect(() => insert.run(now, now)).toThrow(/UNIQUE constraint failed/);
    db.close();
  });

  it('upgrades an existing database, keeps its data and leaves a backup of the old one', () => {
    const path = join(temp.make(), 'a.db');
    const v1 = openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare("INSERT INTO meta (key, value) VALUES ('installation_id', 'abc')").run();
    v1.close();

    const db = openDatabase(path, { migrations: [...MIGRATIONS.slice(0, 1), v2] });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'installation_id'").pluck().get()).toBe('abc');
    db.prepare("INSERT INTO notes (text) VALUES ('hello')").run();
    db.close();

    const backup = `${path}.before-v2.bak`;
    expect(existsSync(backup)).toBe(true);
    const old = new Database(backup, { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    expect(old.prepare("SELECT value FROM meta WHERE key = 'installation_id'").pluck().get()).toBe('abc');
    old.close();
  });

  it('rolls a failing migration back completely', () => {
    const path = join(temp.make(), 'a.db');
    openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const broken: Migration = {
      version: 2,
      name: 'fails halfway',
      up(db) {
        db.exec('CREATE TABLE half (id INTEGER)');
        db.exec('THIS IS NOT SQL');
      },
    };
    expect(() => openDatabase(path, { migrations: [...MIGRATIONS.slice(0, 1), broken] })).toThrow(/syntax error/);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const path = join(temp.make(), 'a.db');
    openDatabase(path, { migrations: [...MIGRATIONS.slice(0, 1), v2] }).close();
    expect(() => openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) })).toThrow(/newer Ledgerdrop \(schema 2; this version knows up to 1\)/);
  });
});
