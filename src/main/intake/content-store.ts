import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A copy of every document's bytes in the data folder, addressed by SHA-256, so a delivery never
 * depends on the original still being where it was (and originals are never touched).
 */
export class ContentStore {
  private readonly root: string;

  constructor(home: string) {
    this.root = join(home, 'documents');
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stores bytes durably (temp file, fsync, rename, fsync folder); a no-op when already there. */
  put(bytes: Uint8Array, sha256 = createHash('sha256').update(bytes).digest('hex')): string {
    const path = this.pathOf(sha256);
    if (existsSync(path)) return sha256;
    const dir = join(this.root, sha256.slice(0, 2));
    mkdirSync(dir, { recursive: true });
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
