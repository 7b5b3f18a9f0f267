/**
 * Writing a delivered file into a folder so that it appears whole or not at all, exactly once, and
 * never over somebody else's file (GUIDE §3).
 *
 * writeFileAtomic(baseDir, relativePath, bytes):
 * 1. `baseDir` is the destination the user configured. It must exist: it is never created (if a
 *    network share or USB drive is disconnected we must not write into the empty mount point). The
 *    subfolders in `relativePath` are created one level at a time below it.
 * 2. Existing copies are looked up first: `name`, `name (2).ext`, `name (3).ext` … A copy with the
 *    same size and SHA-256 means the document was already delivered (a retry after a crash between
 *    the write and the bookkeeping): nothing is written and `alreadyThere` is true.
 * 3. The bytes go to `.<name>.<random>.partial` in the target folder (opened exclusively), which is
 *    fsynced, then hard-linked to the first free name — link() never replaces an existing file, so
 *    concurrent writers of the same name cannot clobber each other; the loser moves on to the next
 *    number, or finds the winner's identical copy. The partial is removed and the folder fsynced.
 *    Where hard links are unsupported (FAT/exFAT drives, some SMB shares) it falls back to
 *    "check, then rename" serialised per folder inside this process (one engine per data folder
 *    is guaranteed by the home lock).
 * 4. Errors become DeliveryErrors: disk full → retry 'disk-full'; destination folder gone → retry
 *    'destination-missing'; no permission / read-only → no-retry 'permission-denied'; name too long
 *    → no-retry 'name-too-long'; a file where a folder should be → no-retry 'not-a-folder';
 *    anything else → retry 'write-failed'. The partial is removed on every failure.
 *
 * A process killed mid-write leaves its `.partial`; it never gets the final name.
 * cleanupStalePartials() removes old ones (outbox start-up).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Dirent } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { systemErrorCode } from '../engine/errors.ts';
import { DEFAULT_MAX_SEGMENT_BYTES, numberedName, truncateName, utf8Length } from './path-template.ts';
import { DeliveryError } from './types.ts';
import { createKeyLock } from './key-lock.ts';
import { syncFolder, syncFolderGrouped } from '../engine/sync-folder.ts';

export interface WriteFileAtomicOptions {
  /** What to do when a different file already has the name: keep both (`name (2).ext`). The only mode. */
  collision?: 'keep-both';
  signal?: AbortSignal;
  /** Bytes written so far (of this file). */
  onProgress?(written: number, total: number): void;
  /** Most numbered copies tried before giving up (default 1000). */
  maxCopies?: number;
  /**
   * Use hard links for the no-replace step (default true; falls back by itself where unsupported).
   * false forces the rename fallback (tests of that path).
   */
  hardLinks?: boolean;
}

export interface WriteFileAtomicResult {
  /** Absolute path of the delivered file (or of the identical copy that was already there). */
  path: string;
  /** The same, relative to baseDir, with `/` separators. */
  relativePath: string;
  /** The final file name (may be `name (2).ext`). */
  name: string;
  /** True when an identical file was already there and nothing was written. */
  alreadyThere: boolean;
}

/** `.<name>.<12 hex>.partial`: the name our partial files have (and the only ones cleanup removes). */
export const PARTIAL_PATTERN = /^\..+\.[0-9a-f]{12}\.partial$/;
const CHUNK = 1024 * 1024;

export function partialNameFor(name: string, id: string): string {
  const suffix = `.${id}.partial`;
  return `.${truncateName(name, DEFAULT_MAX_SEGMENT_BYTES - 1 - utf8Length(suffix), false)}${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Error mapping

const PERMISSION = new Set(['EACCES', 'EPERM', 'EROFS']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
/** link() failures that mean "this file system has no hard links", not "you may not". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EINVAL']);

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

/** Turns a file-system error into a classified DeliveryError with a plain message. */
export async function toDeliveryError(error: unknown, baseDir: string, target: string): Promise<DeliveryError> {
  if (error instanceof DeliveryError) return error;
  const code = systemErrorCode(error) ?? '';
  if (DISK_FULL.has(code)) {
    return new DeliveryError('retry', 'disk-full', `The destination disk is full (or the quota there is used up): ${baseDir}. Free some space there; Ledgerdrop will try again by itself.`, { cause: error });
  }
  if (code === 'EROFS') {
    return new DeliveryError('no-retry', 'permission-denied', `The destination ${baseDir} is read-only (a read-only drive or share). Make it writable or choose another folder, then retry the delivery.`, { cause: error });
  }
  if (PERMISSION.has(code)) {
    return new DeliveryError(
      'no-retry',
      'permission-denied',
      `Ledgerdrop is not allowed to write ${target}. Give the user account that runs Ledgerdrop permission to write in ${baseDir} (or choose another folder), then retry the delivery.`,
      { cause: error },
    );
  }
  if (code === 'ENAMETOOLONG') {
    return new DeliveryError('no-retry', 'name-too-long', `The file name or path is too long for the destination: ${target}. Shorten the path template, or choose a destination folder closer to the top of the drive.`, { cause: error });
  }
  if (code === 'ENOTDIR') {
    return notAFolder(baseDir, target, error);
  }
  if (code === 'ENOENT' && !(await exists(baseDir))) return destinationMissing(baseDir, error);
  const detail = error instanceof Error ? error.message : String(error);
  return new DeliveryError('retry', 'write-failed', `Could not write ${target}: ${detail}`, { cause: error });
}

function destinationMissing(baseDir: string, cause?: unknown): DeliveryError {
  return new DeliveryError(
    'retry',
    'destination-missing',
    `The destination folder ${baseDir} is not there. If it is on a network share or an external drive, reconnect it and Ledgerdrop will try again by itself; if the folder was moved or renamed, change the connection's folder.`,
    { cause },
  );
}

function notAFolder(baseDir: string, target: string, cause?: unknown): DeliveryError {
  if (target === baseDir) {
    return new DeliveryError('no-retry', 'not-a-folder', `The destination ${baseDir} is a file, not a folder. Choose a folder in the connection settings.`, { cause });
  }
  return new DeliveryError('no-retry', 'not-a-folder', `Ledgerdrop cannot create the folders for ${target}: a file is in the way where a folder should be (inside ${baseDir}). Rename or move that file, then retry the delivery.`, { cause });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function splitRelative(relativePath: string): string[] {
  const segments = relativePath.split(/[/\\]/);
  const bad =
    relativePath === '' ||
    path.isAbsolute(relativePath) ||
    /^[A-Za-z]:/.test(relativePath) ||
    relativePath.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) {
    throw new DeliveryError('no-retry', 'invalid-name', `Refusing to write "${relativePath}": the file must go inside the destination folder, by a plain relative path.`);
  }
  return segments;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** True when `file` is a regular file holding exactly these bytes (size first, then SHA-256). */
async function sameContent(file: string, size: number, digest: string): Promise<boolean> {
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.size !== size) return false;
    return (await hashFile(file)) === digest;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Creates `segments` one level at a time under baseDir (never baseDir itself). Returns the folder. */
async function ensureFolders(baseDir: string, segments: readonly string[]): Promise<string> {
  let dir = baseDir;
  for (const segment of segments) {
    const parent = dir;
    dir = path.join(dir, segment);
    try {
      await mkdir(dir);
      await syncFolder(parent);
    } catch (error) {
      const code = systemErrorCode(error);
      if (code === 'EEXIST') {
        // Fix (test/integration/pipeline-faults.test.ts): a failed stat used to count as "a file is in
        // the way" (no-retry), but when the destination is unplugged between mkdir and stat it is
        // simply gone: let stat's ENOENT through, so it becomes the retried 'destination-missing'.
        const info = await stat(dir);
        if (info.isDirectory()) continue;
        throw notAFolder(baseDir, dir, error);
      }
      throw error;
    }
  }
  return dir;
}

/**
 * Target folders (the destination itself, or folders below it) this process checked or made, so
 * that the next file into one skips the stat and mkdir calls. A folder gone since is noticed when
 * the partial cannot be created there: then everything is checked again.
 */
const knownFolders = new Set<string>();
const KNOWN_FOLDERS_MAX = 10_000;

/** Checks that the destination is there and a folder, makes `segments` below it; returns the folder. */
async function prepareFolder(baseDir: string, segments: readonly string[]): Promise<string> {
  const dir = path.join(baseDir, ...segments);
  if (knownFolders.has(dir)) return dir;
  const base = await stat(baseDir).catch((error: unknown) => {
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') throw destinationMissing(baseDir, error);
    throw error;
  });
  if (!base.isDirectory()) throw notAFolder(baseDir, baseDir);
  await ensureFolders(baseDir, segments);
  if (knownFolders.size >= KNOWN_FOLDERS_MAX) knownFolders.clear();
  knownFolders.add(dir);
  return dir;
}

/** Runs `fn` alone among the callers with the same key (this process only). */
const withFolderLock = createKeyLock();

async function writePartial(file: string, bytes: Uint8Array, options: WriteFileAtomicOptions): Promise<void> {
  const handle = await open(file, 'wx', 0o666);
  try {
    let written = 0;
    while (written < bytes.length) {
      options.signal?.throwIfAborted();
      const { bytesWritten } = await handle.write(bytes, written, Math.min(CHUNK, bytes.length - written));
      written += bytesWritten;
      options.onProgress?.(written, bytes.length);
    }
    if (bytes.length === 0) options.onProgress?.(0, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes `bytes` to `baseDir/relativePath` atomically, exactly once, never replacing a different
 * file (see the module comment). `relativePath` uses `/` between folders; render it with
 * renderPathTemplate so every name is safe.
 */
export async function writeFileAtomic(baseDir: string, relativePath: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<WriteFileAtomicResult> {
  const segments = splitRelative(relativePath);
  const name = segments.pop() as string;
  const maxCopies = options.maxCopies ?? 1000;
  const digest = sha256(bytes);
  let partial: string | null = null;
  let dir = baseDir;
  const intended = path.join(baseDir, ...segments, name);

  try {
    options.signal?.throwIfAborted();
    dir = await prepareFolder(baseDir, segments);
    const relativeDir = segments.join('/');
    const result = (finalName: string, alreadyThere: boolean): WriteFileAtomicResult => ({
      path: path.join(dir, finalName),
      relativePath: relativeDir === '' ? finalName : `${relativeDir}/${finalName}`,
      name: finalName,
      alreadyThere,
    });

    // 1. Our own earlier copy (or the same document delivered by hand): nothing to do. When the
    // plain name is free — nearly always — there is nothing to compare and the folder is not listed,
    // so the cost does not grow with the folder (an import folder may hold thousands of files).
    // Otherwise every `name (n)` copy in the folder is compared, gaps included.
    const taken = new Set<string>();
    const plain = await lstat(path.join(dir, name)).catch((error: unknown) => {
      if (systemErrorCode(error) === 'ENOENT') return null;
      throw error;
    });
    if (plain !== null) {
      const copies: { n: number; entry: string }[] = [];
      for (const entry of await readdir(dir)) {
        taken.add(fold(entry));
        const n = fold(entry) === fold(name) ? 1 : Number(/ \(([1-9]\d{0,5})\)(?:\.[^.]*)?$/.exec(entry)?.[1] ?? 0);
        if (n >= 1 && fold(numberedName(name, n)) === fold(entry)) copies.push({ n, entry });
      }
      copies.sort((a, b) => a.n - b.n);
      for (const { entry } of copies) {
        if (await sameContent(path.join(dir, entry), bytes.length, digest)) return result(entry, true);
      }
    }

    // 2. Write the partial.
    const partialPath = path.join(dir, partialNameFor(name, randomBytes(6).toString('hex')));
    partial = partialPath;
    try {
      await writePartial(partialPath, bytes, options);
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT' || !knownFolders.has(dir)) throw error;
      // The folder was there for an earlier file and is gone now (deleted by hand, a share
      // unplugged): check the destination again, make the folders again, and try once more.
      knownFolders.delete(dir);
      await prepareFolder(baseDir, segments);
      await writePartial(partialPath, bytes, options);
    }
    options.signal?.throwIfAborted();

    // 3. Give it the first free name without ever replacing a file.
    let useLinks = options.hardLinks ?? true;
    for (let n = 1; n <= maxCopies; n++) {
      const candidate = numberedName(name, n);
      const target = path.join(dir, candidate);
      if (taken.has(fold(candidate))) continue;
      let placed = false;
      if (useLinks) {
        try {
          await link(partialPath, target);
          placed = true;
        } catch (error) {
          const code = systemErrorCode(error) ?? '';
          if (code !== 'EEXIST' && !NO_HARD_LINKS.has(code)) throw error;
          if (code !== 'EEXIST') useLinks = false;
        }
      }
      if (!placed && !useLinks) {
        placed = await withFolderLock(fold(dir), async () => {
          if (await lstat(target).then(() => true, (error: unknown) => (systemErrorCode(error) === 'ENOENT' ? false : Promise.reject(error)))) return false;
          await rename(partialPath, target);
          return true;
        });
        if (placed) partial = null;
      }
      if (placed) {
        if (partial !== null) await unlink(partialPath).catch(() => undefined);
        partial = null;
        await syncFolderGrouped(dir); // deliveries finishing at once into one folder share an fsync
        return result(candidate, false);
      }
      // Somebody else took the name meanwhile: maybe a concurrent delivery of these same bytes.
      taken.add(fold(candidate));
      if (await sameContent(target, bytes.length, digest)) {
        return result(candidate, true);
      }
    }
    throw new DeliveryError('no-retry', 'too-many-copies', `There are already ${maxCopies} different files named like ${name} in ${dir}. Tidy that folder or change the path template, then retry the delivery.`);
  } catch (error) {
    if (options.signal?.aborted && error === options.signal.reason) throw error;
    throw await toDeliveryError(error, baseDir, intended);
  } finally {
    if (partial !== null) await unlink(partial).catch(() => undefined);
  }
}

export interface CleanupOptions {
  /** Only partials not modified for this long are removed (default 60 minutes). */
  olderThanMinutes?: number;
  /** How deep to look below `dir` (default 8 levels). */
  maxDepth?: number;
  /** "Now", for tests (ms since epoch). */
  now?: number;
}

/**
 * Removes `.partial` files (our naming only) left under `dir` by a process that was killed
 * mid-delivery. Returns the removed paths. A missing or unreadable folder is not an error.
 */
export async function cleanupStalePartials(dir: string, options: CleanupOptions = {}): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMinutes ?? 60) * 60_000;
  const maxDepth = options.maxDepth ?? 8;
  const removed: string[] = [];
  const visit = async (folder: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) await visit(full, depth + 1);
      } else if (entry.isFile() && PARTIAL_PATTERN.test(entry.name)) {
        const info = await lstat(full).catch(() => null);
        if (info === null || info.mtimeMs > cutoff) continue;
        try {
          await unlink(full);
          removed.push(full);
        } catch {
          // gone meanwhile, or not ours to remove
        }
      }
    }
  };
  await visit(dir, 0);
  return removed;
}
