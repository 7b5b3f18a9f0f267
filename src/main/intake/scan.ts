/**
 * A full listing of a watch folder: the baseline at start, and the periodic rescan that catches
 * what file events missed (network drives lose events, an inotify watch can die with its folder).
 *
 * - Yields regular files (symlinks followed) with size and mtime; never throws. A problem with one
 *   entry (no permission, a broken link, a symlink loop) is yielded as an `error` entry and the
 *   listing goes on; a missing root yields one error entry with the system error code.
 * - Skips temporary and system names (isTempName) at every level, and our own `processed/` and
 *   `failed/` subfolders directly under the root (any letter case: Windows and macOS ignore case).
 *   The root itself is never skipped, even if its own name is hidden.
 * - Follows symlinked folders but visits each physical folder (device + inode) once, so a link loop
 *   or two links to one folder cannot make it list forever or twice.
 * - Depth works like chokidar's `depth`: 0 lists only the root's own files, 1 also the files of
 *   its subfolders, and so on.
 * - An aborted signal ends the listing early without an error; callers check `signal.aborted`.
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { systemErrorCode } from '../engine/errors.ts';
import { isTempName, mtimeMsOf } from './readiness.ts';

/** Subfolders of a watch folder where the engine moves files it handled ("move to processed"). */
export const OWN_SUBFOLDERS: readonly string[] = ['processed', 'failed'];
export const DEFAULT_MAX_DEPTH = 8;

export interface ScanOptions {
  /** Look into subfolders (default true). false is maxDepth 0. */
  recursive?: boolean;
  /** How many subfolder levels below the root (default 8). */
  maxDepth?: number;
  signal?: AbortSignal;
}

export interface ScannedFile {
  kind: 'file';
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ScanProblem {
  kind: 'error';
  path: string;
  /** The system error code (ENOENT, EACCES, ELOOP, ENOTDIR …). */
  code: string;
  message: string;
}

export type ScanEntry = ScannedFile | ScanProblem;

/**
 * True when `absPath` below `root` is not to be picked up: a temporary/system name anywhere on the
 * way, or our processed/failed subfolders at the top. The root itself is never ignored; a path
 * outside the root always is.
 */
export function isIgnoredPath(root: string, absPath: string): boolean {
  const relative = path.relative(root, absPath);
  if (relative === '') return false;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return true;
  const segments = relative.split(path.sep);
  if (OWN_SUBFOLDERS.includes((segments[0] ?? '').toLowerCase())) return true;
  return segments.some((segment) => isTempName(segment));
}

const STAT_BATCH = 32;

function describe(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'ENOTDIR':
      return 'it is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return 'it cannot be read';
  }
}

function problem(entryPath: string, error: unknown, what: string): ScanProblem {
  const code = systemErrorCode(error) ?? 'EUNKNOWN';
  return { kind: 'error', path: entryPath, code, message: `Cannot read ${what === '' ? '' : `${what} `}${entryPath}: ${describe(code)} (${code}).` };
}

function folderKey(info: BigIntStats): string {
  return `${info.dev}:${info.ino}`;
}

function isSpecial(entry: Dirent): boolean {
  return entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice();
}

/** Lists the regular files under `root` (see the module comment). */
export async function* scanFolder(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEntry, void, undefined> {
  const maxDepth = options.recursive === false ? 0 : Math.max(0, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const signal = options.signal;
  const base = path.resolve(root);

  let rootInfo: BigIntStats;
  try {
    rootInfo = await stat(base, { bigint: true });
  } catch (error) {
    yield problem(base, error, 'the folder');
    return;
  }
  if (!rootInfo.isDirectory()) {
    yield { kind: 'error', path: base, code: 'ENOTDIR', message: `Cannot read the folder ${base}: ${describe('ENOTDIR')} (ENOTDIR).` };
    return;
  }

  const visited = new Set<string>([folderKey(rootInfo)]);
  // Depth-first; `depth` is the level of the files inside `dir` (root files are level 0).
  const stack: { dir: string; depth: number }[] = [{ dir: base, depth: 0 }];
  while (stack.length > 0) {
    if (signal?.aborted) return;
    const { dir, depth } = stack.pop() as { dir: string; depth: number };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // A subfolder deleted meanwhile is not a problem; the root going away is.
      if (dir !== base && systemErrorCode(error) === 'ENOENT') continue;
      yield problem(dir, error, 'the folder');
      continue;
    }
    entries = entries.filter((entry) => !isTempName(entry.name) && !isSpecial(entry) && !(dir === base && OWN_SUBFOLDERS.includes(entry.name.toLowerCase())));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subfolders: string[] = [];
    for (let i = 0; i < entries.length; i += STAT_BATCH) {
      if (signal?.aborted) return;
      const batch = entries.slice(i, i + STAT_BATCH);
      const infos = await Promise.all(
        batch.map(async (entry) => {
          const full = path.join(dir, entry.name);
          try {
            return { entry, full, info: await stat(full, { bigint: true }), error: null };
          } catch (error) {
            return { entry, full, info: null, error };
          }
        }),
      );
      for (const { entry, full, info, error } of infos) {
        if (info === null) {
          const code = systemErrorCode(error);
          if (code === 'ENOENT' && !entry.isSymbolicLink()) continue; // deleted meanwhile
          if (code === 'ENOENT') {
            yield { kind: 'error', path: full, code, message: `Cannot read ${full}: it is a link to something that does not exist (ENOENT).` };
          } else {
            yield problem(full, error, '');
          }
          continue;
        }
        if (info.isFile()) {
          yield { kind: 'file', path: full, size: Number(info.size), mtimeMs: mtimeMsOf(info) };
        } else if (info.isDirectory() && depth < maxDepth) {
          const key = folderKey(info);
          if (visited.has(key)) continue; // a symlink loop, or a second link to a folder we list anyway
          visited.add(key);
          subfolders.push(full);
        }
      }
    }
    // Push in reverse so subfolders come out in name order.
    for (const folder of subfolders.reverse()) stack.push({ dir: folder, depth: depth + 1 });
  }
}

/** Convenience: every file of a scan, and the problems met on the way. */
export async function listFolder(root: string, options: ScanOptions = {}): Promise<{ files: ScannedFile[]; problems: ScanProblem[] }> {
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];
  for await (const entry of scanFolder(root, options)) {
    if (entry.kind === 'file') files.push(entry);
    else problems.push(entry);
  }
  return { files, problems };
}
