import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isTempName } from './readiness.ts';
import { sql, type Db } from '../store/database.ts';

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Regular, non-temporary files under a folder (recursively), skipping what cannot be read. */
export function listFiles(root: string, maxDepth = 16): FileStamp[] {
  const out: FileStamp[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (isTempName(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth && entry.name !== 'processed' && entry.name !== 'failed') walk(path, depth + 1);
      } else if (entry.isFile()) {
        try {
          const st = statSync(path);
          out.push({ path, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
        } catch {
          // vanished meanwhile
        }
      }
    }
  };
  walk(root, 0);
  return out;
}

/** Records what a watch folder holds now as its baseline: those files are never exported on their own. */
export function snapshotBaseline(db: Db, watchFolderId: number, folder: string, now: string): number {
  const files = listFiles(folder);
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
