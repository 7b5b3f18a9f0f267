/**
 * fsync of a folder, which makes a rename, link or new file in it durable (POSIX). Best effort
 * where folders cannot be synced: Windows (a folder cannot be opened as a file; NTFS journals the
 * rename itself) and some network file systems.
 */
import { open } from 'node:fs/promises';
import { systemErrorCode } from './errors.ts';
import { grouped } from './grouped.ts';

const UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF']);

export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSUPPORTED.has(systemErrorCode(error) ?? '')) throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** syncFolder with group commit per folder: callers finishing at once share one fsync. */
export const syncFolderGrouped = grouped(syncFolder);
