import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A copy of every document's bytes in the data folder, addressed by SHA-256, so a delivery never
 * depends on the original still being where it was (and originals are never touched).
 */
export class ContentStore {
  private readonly root: string;
  private readonly shards = new Set<string>();
  private swept = false;

  constructor(home: string) {
    this.root = join(home, 'documents');
  }

  /**
   * Removes `<sha256>.<pid>.tmp` files a killed process left behind (found by the crash test). Safe:
   * only one engine uses a data folder, and put() is synchronous, so none of ours is half-way.
   */
  private sweepTemps(): void {
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
      for (const name of names) if (/^[0-9a-f]{64}\.\d+\.tmp$/.test(name)) rmSync(join(this.root, shard, name), { force: true });
    }
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stores bytes durably (temp file, fsync, rename, fsync folder); a no-op when already there. */
  put(bytes: Uint8Array, sha256 = createHash('sha256').update(bytes).digest('hex')): string {
    if (!this.swept) this.sweepTemps();
    const path = this.pathOf(sha256);
    if (existsSync(path)) return sha256;
    const dir = join(this.root, sha256.slice(0, 2));
    if (!this.shards.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.shards.add(dir);
    }
    const temp = `${path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return sha256;
  }

  get(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }
}
