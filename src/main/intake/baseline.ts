import { relative } from 'node:path';
import { sql, type Db } from '../store/database.ts';
import { listFolder } from './scan.ts';

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The files under a watch folder (or an imported folder) as the watcher sees them — same temp-name,
 * depth and processed/failed rules (scan.ts) — with times truncated to the millisecond, as stored.
 */
export async function stampsOf(root: string): Promise<FileStamp[]> {
  const { files } = await listFolder(root);
  return files.map((f) => ({ path: f.path, size: f.size, mtimeMs: Math.trunc(f.mtimeMs) }));
}

/** Records a watch folder's files (from stampsOf) as its baseline: those files are never exported on their own. */
export function snapshotBaseline(db: Db, watchFolderId: number, folder: string, files: readonly FileStamp[], now: string): number {
  sql(db, 'DELETE FROM watch_baseline WHERE watch_folder_id = ?').run(watchFolderId);
  const insert = sql(db, 'INSERT INTO watch_baseline (watch_folder_id, rel_path, size, mtime_ms) VALUES (?, ?, ?, ?)');
  for (const f of files) insert.run(watchFolderId, relative(folder, f.path), f.size, f.mtimeMs);
  sql(db, 'UPDATE watch_folders SET baseline_at = ? WHERE id = ?').run(now, watchFolderId);
  return files.length;
}

/** True when this file is exactly as it was in the folder's baseline. */
export function inBaseline(db: Db, watchFolderId: number, folder: string, file: FileStamp): boolean {
  const row = sql(db, 'SELECT size, mtime_ms FROM watch_baseline WHERE watch_folder_id = ? AND rel_path = ?').get(watchFolderId, relative(folder, file.path)) as { size: number; mtime_ms: number } | undefined;
  return row !== undefined && row.size === file.size && row.mtime_ms === file.mtimeMs;
}

/** A watched file taken in (or found to be a duplicate), as it was then. */
export function markTaken(db: Db, watchFolderId: number, folder: string, file: FileStamp): void {
  sql(db, 'INSERT INTO watch_taken (watch_folder_id, rel_path, size, mtime_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms').run(
    watchFolderId,
    relative(folder, file.path),
    file.size,
    file.mtimeMs,
  );
}

/** True when this file was taken in exactly as it is now (nothing to read again). */
export function wasTaken(db: Db, watchFolderId: number, folder: string, file: FileStamp): boolean {
  const row = sql(db, 'SELECT size, mtime_ms FROM watch_taken WHERE watch_folder_id = ? AND rel_path = ?').get(watchFolderId, relative(folder, file.path)) as { size: number; mtime_ms: number } | undefined;
  return row !== undefined && row.size === file.size && row.mtime_ms === file.mtimeMs;
}

/** Forgets taken-in files that are no longer in the folder (after a full listing of it). */
export function forgetGone(db: Db, watchFolderId: number, folder: string, present: readonly FileStamp[]): void {
  const here = new Set(present.map((f) => relative(folder, f.path)));
  const gone = (sql(db, 'SELECT rel_path FROM watch_taken WHERE watch_folder_id = ?').pluck().all(watchFolderId) as string[]).filter((p) => !here.has(p));
  const remove = sql(db, 'DELETE FROM watch_taken WHERE watch_folder_id = ? AND rel_path = ?');
  for (const path of gone) remove.run(watchFolderId, path);
}
