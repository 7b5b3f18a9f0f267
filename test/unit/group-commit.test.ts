/** Group commit: NORMAL commits made durable by one WAL fsync; the connection stays FULL otherwise. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, sql } from '../../src/main/store/database.ts';
import { commitBatched, commitNormal, durable, releaseDurable } from '../../src/main/store/group-commit.ts';
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

  it('commitBatched: the calls of one turn share a transaction; one that throws rolls back and rejects alone', async () => {
    const path = join(temp.make(), 'l.db');
    const db = openDatabase(path);
    commitNormal(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('first', '1')").run());
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const walFrames = () => (statSync(`${path}-wal`).size - 32) / (pageSize + 24);
    const framesBefore = walFrames();
    const seen: number[] = [];
    const observe = () => {
      // Rows a call writes are visible to the calls after it in the same batch.
      seen.push(sql(db, "SELECT count(*) FROM meta WHERE key LIKE 'b%'").pluck().get() as number);
      if (!db.inTransaction) throw new Error('not in a transaction');
    };
    const calls = Array.from({ length: 5 }, (_, i) =>
      commitBatched(db, () => {
        observe();
        sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?)').run(`b${i}`, String(i));
        if (i === 2) throw new Error('boom');
        return i;
      }),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 1, 'boom', 3, 4]);
    expect(seen).toEqual([0, 1, 2, 2, 3]); // each saw the ones before it, not the rolled-back one
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(sql(db, "SELECT key FROM meta WHERE key LIKE 'b%' ORDER BY key").pluck().all()).toEqual(['b0', 'b1', 'b3', 'b4']);
    // One commit: the pages went to the WAL once for the batch, not once per call.
    const batchedFrames = walFrames() - framesBefore;
    const beforeSeparate = walFrames();
    for (let i = 0; i < 4; i += 1) commitNormal(db, () => sql(db, 'INSERT INTO meta (key, value) VALUES (?, ?)').run(`s${i}`, String(i)));
    expect(batchedFrames).toBeLessThan(walFrames() - beforeSeparate);
    // A later turn is a later transaction.
    await expect(commitBatched(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('late', '1')").run().changes)).resolves.toBe(1);
    await durable(db);
    await releaseDurable(db);
    db.close();
  });

  it('commitBatched: when the commit itself fails, every call of the batch rejects and nothing is written', async () => {
    const db = openDatabase(join(temp.make(), 'l.db'));
    const calls = [
      commitBatched(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('x1', '1')").run()),
      commitBatched(db, () => sql(db, "INSERT INTO meta (key, value) VALUES ('x2', '1')").run()),
    ];
    db.close(); // before the batch runs
    const settled = await Promise.allSettled(calls);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
  });
});
