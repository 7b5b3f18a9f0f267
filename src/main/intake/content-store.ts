import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A copy of every document's bytes in the data folder, addressed by SHA-256, so a delivery never
 * depends on the original still being where it was (and originals are never touched).
 */
export class ContentStore {
  private readonly root: string;
  private readonly shards = new Set<string>();
  private swept = false;
  private sequence = 0;

  constructor(home: string) {
    this.root = join(home, 'documents');
  }

  /**
   * Removes `<sha256>.<pid>.tmp` files a killed process left behind (found by the crash test). Safe:
   * only one engine uses a data folder, and it runs before this store's first put().
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
      for (const name of names) if (/^[0-9a-f]{64}\.\d+(\.\d+)?\.tmp$/.test(name)) rmSync(join(this.root, shard, name), { force: true });
    }
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Stores bytes durably (temp file, fsync, rename, fsync folder); a no-op when already there.
   * Everything runs on the thread pool, so the engine keeps working (on other documents,
   * deliveries) while the disk syncs. Two puts of the same bytes at once write distinct temp files
   * and rename the same content over each other: harmless.
   */
  async put(bytes: Uint8Array, sha256 = createHash('sha256').update(bytes).digest('hex')): Promise<string> {
    if (!this.swept) this.sweepTemps();
    const path = this.pathOf(sha256);
    if (await access(path).then(() => true, () => false)) return sha256;
    const dir = join(this.root, sha256.slice(0, 2));
    if (!this.shards.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.shards.add(dir);
    }
    const temp = `${path}.${process.pid}.${(this.sequence += 1)}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(bytes);
      await file.datasync();
    } catch (error) {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    await rename(temp, path);
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    return sha256;
  }

  get(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256));
  }
}
