/** Group commit: NORMAL commits made durable by one WAL fsync; the connection stays FULL otherwise. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, sql } from '../../src/main/store/database.ts';
import { commitNormal, durable, releaseDurable } from '../../src/main/store/group-commit.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());

describe('group commit', () => {
  it('commits with NORMAL and puts the connection back to FULL, also when the transaction throws', async () => {
    const db = openDatabase(join(temp.make(), 'l.db'));
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    commitNormal(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('a', '1')").run());
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(() =>
      commitNormal(db, () => {
        sql(db, "INSERT INTO meta (key, value) VALUES ('b', '1')").run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(sql(db, "SELECT count(*) FROM meta WHERE key IN ('a', 'b')").pluck().get()).toBe(1); // the failed one rolled back
    await durable(db);
    await releaseDurable(db);
    db.close();
  });

  it('lets many concurrent commits wait for shared syncs, each seeing its rows committed', async () => {
    const db = openDatabase(join(temp.make(), 'l.db'));
    const done = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        commitNormal(db, () => sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?)').run(`k${i}`, String(i)));
        await durable(db);
        return sql(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(`k${i}`);
      }),
    );
    expect(done).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    await releaseDurable(db);
    db.close();
  });

  it('syncs after a checkpoint truncated the WAL under its open handle', async () => {
    const dir = temp.make();
    const db = openDatabase(join(dir, 'l.db'));
    commitNormal(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('before', '1')").run());
    await durable(db); // opens the WAL handle
    db.pragma('wal_checkpoint(TRUNCATE)');
    commitNormal(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('c', '1')").run());
    await expect(durable(db)).resolves.toBeUndefined();
    await releaseDurable(db);
    db.close();
    const reopened = openDatabase(join(dir, 'l.db'));
    expect(sql(reopened, "SELECT count(*) FROM meta WHERE key IN ('before', 'c')").pluck().get()).toBe(2);
    reopened.close();
  });
});
