/**
 * Durable commits without blocking the event loop.
 *
 * better-sqlite3 commits synchronously: with `synchronous = FULL` every commit holds the engine's
 * only thread for an fsync of the WAL (about 0.3–1 ms on an SSD, far more on a laptop disk or a
 * VM), during which no file is read, no document understood and no delivery progresses. The hot
 * paths (intake of a document, the outcome of a delivery) therefore commit with `synchronous =
 * NORMAL` — the frames are written to the WAL file, which survives a crash of the process but not
 * yet a power cut — and then await `durable(db)`, which fsyncs the WAL file on the libuv thread
 * pool. One fsync serves every commit made before it started (group commit), so a batch of
 * documents costs a handful of fsyncs, not one per commit. When `durable()` resolves, the commits
 * are exactly as durable as with FULL (fsync of the WAL file is what FULL does after each commit);
 * callers act on a commit (report it, move the original, deliver) only after that.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { grouped } from '../engine/grouped.ts';
import { sql, type Db } from './database.ts';

interface SyncState {
  /** The WAL file, kept open between syncs. */
  handle: FileHandle | null;
}

const states = new WeakMap<Db, SyncState>();

function stateOf(db: Db): SyncState {
  let state = states.get(db);
  if (!state) {
    state = { handle: null };
    states.set(db, state);
  }
  return state;
}

/** Runs `fn` in one transaction committed with synchronous = NORMAL; follow with `await durable(db)`. */
export function commitNormal<T>(db: Db, fn: () => T): T {
  sql(db, 'PRAGMA synchronous = NORMAL').run();
  try {
    return db.transaction(fn)();
  } finally {
    sql(db, 'PRAGMA synchronous = FULL').run();
  }
}

interface Batched {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const batches = new WeakMap<Db, Batched[]>();

/**
 * commitNormal, shared: every call made in the same turn of the event loop runs in one
 * transaction, each inside its own savepoint (one that throws is rolled back alone and rejects
 * alone). When many documents are taken in and delivered at once — the engine's main thread is
 * busy, so several are ready per turn — this writes each database page once per turn instead of
 * once per document. Follow with `await durable(db)` like commitNormal.
 */
export function commitBatched<T>(db: Db, fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let batch = batches.get(db);
    if (!batch) {
      batch = [];
      batches.set(db, batch);
      setImmediate(() => flushBatch(db));
    }
    batch.push({ fn, resolve: resolve as (value: unknown) => void, reject });
  });
}

function flushBatch(db: Db): void {
  const batch = batches.get(db) ?? [];
  batches.delete(db);
  const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
  try {
    commitNormal(db, () => {
      for (const item of batch) {
        try {
          outcomes.push({ ok: true, value: db.transaction(item.fn)() }); // nested: a savepoint
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    for (const item of batch) item.reject(error); // the commit itself failed: nothing of it happened
    return;
  }
  batch.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.error);
  });
}

async function syncWal(db: Db): Promise<void> {
  if (!db.open) return;
  if (db.memory) return;
  const state = stateOf(db);
  try {
    // r+: Windows flushes a file only through a handle that may write to it.
    state.handle ??= await open(`${db.name}-wal`, 'r+');
    await state.handle.datasync();
  } catch {
    // No WAL file (yet, or any more) or it could not be opened: an empty FULL commit syncs the WAL
    // the way SQLite itself does.
    await closeHandle(state);
    if (!db.open) return;
    // (outside commitNormal the connection runs with synchronous = FULL)
    db.prepare("INSERT INTO meta (key, value) VALUES ('last_sync', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(new Date().toISOString());
  }
}

async function closeHandle(state: SyncState): Promise<void> {
  const handle = state.handle;
  state.handle = null;
  await handle?.close().catch(() => undefined);
}

const walSync = grouped(syncWal);

/** Resolves when every commit made before this call is on disk (see the module comment). */
export function durable(db: Db): Promise<void> {
  return walSync(db);
}

/** Releases the WAL handle; call before closing the database (the engine does). */
export async function releaseDurable(db: Db): Promise<void> {
  await walSync.settled(db);
  const state = states.get(db);
  if (!state) return;
  await closeHandle(state);
  states.delete(db);
}
