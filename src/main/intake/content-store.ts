import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { syncFolderGrouped } from '../engine/sync-folder.ts';

/** Where the copy of `sha256` lives under a store root (`<home>/documents`). */
export function contentPath(root: string, sha256: string): string {
  return join(root, sha256.slice(0, 2), sha256);
}

/** The store's folder inside a data folder. */
export function contentRoot(home: string): string {
  return join(home, 'documents');
}

/** Temp names: `<sha256>.<pid>.<thread>.<n>.tmp` (older versions wrote `<sha256>.<pid>[.<n>].tmp`). */
const TEMP_NAME = /^[0-9a-f]{64}\.\d+(\.\d+){0,2}\.tmp$/;

/** Shard folders known to exist, per store root (per thread). */
const knownShards = new Set<string>();
let sequence = 0;

const fdatasyncAsync = promisify(fdatasync);

/**
 * Stores bytes durably — temp file, fdatasync, rename, fsync of the folder; a no-op (false) when
 * they are already there. The quick calls block (microseconds on the data folder's own disk, and no
 * thread-pool round trip each: this runs in the intake worker for every document); the two disk
 * syncs do not, so the worker understands the next document while this one reaches the disk. Two
 * stores of the same bytes at once write distinct temp files and rename the same content over each
 * other: harmless.
 */
export async function putContent(root: string, bytes: Uint8Array, sha256: string): Promise<boolean> {
  const path = contentPath(root, sha256);
  if (existsSync(path)) return false;
  const dir = join(root, sha256.slice(0, 2));
  if (!knownShards.has(dir)) {
    mkdirSync(dir, { recursive: true });
    knownShards.add(dir);
  }
  const temp = `${path}.${process.pid}.${threadId}.${(sequence += 1)}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    await fdatasyncAsync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  await syncFolderGrouped(dir);
  return true;
}

/** Recently stored or read documents kept in memory: a delivery right after intake reads no file. */
const CACHE_BYTES = 32 * 1024 * 1024;
/** Larger documents are never cached (they would push out hundreds of small ones). */
const CACHE_MAX_ITEM = 4 * 1024 * 1024;

/**
 * A copy of every document's bytes in the data folder, addressed by SHA-256, so a delivery never
 * depends on the original still being where it was (and originals are never touched).
 */
export class ContentStore {
  readonly root: string;
  private swept = false;
  /** SHA-256 → bytes, least recently used first, at most CACHE_BYTES in all. */
  private readonly cache = new Map<string, Buffer>();
  private cached = 0;

  constructor(home: string) {
    this.root = contentRoot(home);
  }

  /**
   * Removes temp files a killed process left behind (found by the crash test). Safe: only one
   * engine uses a data folder, and it runs before this store's first write — the engine's own
   * (put) or its workers' (putContent; the pool calls this first).
   */
  prepare(): void {
    if (this.swept) return;
    this.swept = true;
    let shards: string[];
    try {
      shards = readdirSync(this.root).filter((name) => /^[0-9a-f]{2}$/.test(name));
    } catch {
      return; // no store yet
    }
    for (const shard of shards) {
      let names: string[];
      try {
        names = readdirSync(join(this.root, shard));
      } catch {
        continue;
      }
      for (const name of names) if (TEMP_NAME.test(name)) rmSync(join(this.root, shard, name), { force: true });
    }
  }

  pathOf(sha256: string): string {
    return contentPath(this.root, sha256);
  }

  /** Stores bytes durably (see putContent) and keeps them for the delivery that usually follows. */
  async put(bytes: Uint8Array, sha256 = createHash('sha256').update(bytes).digest('hex')): Promise<string> {
    this.prepare();
    await putContent(this.root, bytes, sha256);
    this.remember(sha256, bytes);
    return sha256;
  }

  /** Keeps stored bytes in memory for the delivery that usually follows at once. */
  remember(sha256: string, bytes: Uint8Array): void {
    if (bytes.length > CACHE_MAX_ITEM || this.cache.has(sha256)) return;
    this.cache.set(sha256, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.cached += bytes.length;
    for (const [key, value] of this.cache) {
      if (this.cached <= CACHE_BYTES) break;
      this.cache.delete(key);
      this.cached -= value.length;
    }
  }

  /** The bytes of a stored document. Callers must not change the buffer (it may be shared). */
  async get(sha256: string): Promise<Buffer> {
    const hit = this.cache.get(sha256);
    if (hit) {
      this.cache.delete(sha256); // most recently used last
      this.cache.set(sha256, hit);
      return hit;
    }
    return readFile(this.pathOf(sha256));
  }
}
