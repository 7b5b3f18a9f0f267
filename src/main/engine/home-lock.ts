import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from './errors.ts';

/**
 * One engine per data folder. The lock is an exclusive SQLite lock on a small side file: the OS
 * releases it when the holder exits, even after kill -9, so there is no stale lock to clean up.
 * The holder's pid is written beside it only to make the refusal message useful.
 */
export class HomeLock {
  private readonly db: Database.Database;
  private readonly home: string;

  private constructor(db: Database.Database, home: string) {
    this.db = db;
    this.home = home;
  }

  static acquire(home: string): HomeLock {
    const path = join(home, 'engine.lock');
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 0 });
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder(pid INTEGER); COMMIT');
    } catch (error) {
      db?.close();
      const busy = typeof error === 'object' && error !== null && (error as { code?: string }).code === 'SQLITE_BUSY';
      if (busy) {
        const pid = readHolderPid(home);
        throw new EngineError(
          'home-in-use',
          `Another Ledgerdrop${pid ? ` (process ${pid})` : ''} is already using the data folder ${home}.`,
          { cause: error, fix: 'Quit it first, or choose another folder with --home.' },
        );
      }
      throw error;
    }
    writeFileSync(join(home, 'engine.pid'), `${process.pid}\n`);
    return new HomeLock(db, home);
  }

  release(): void {
    if (this.db.open) this.db.close();
  }

  get folder(): string {
    return this.home;
  }
}

function readHolderPid(home: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(home, 'engine.pid'), 'utf8'), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}
