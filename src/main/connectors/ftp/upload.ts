/**
 * Putting one file on an FTP server whole or not at all, exactly once, never over somebody else's
 * file — the FTP counterpart of atomic-write.ts (GUIDE §3).
 *
 * putFileAtomic(remote, settings, root, segments, name, bytes, options):
 * 1. `root` must exist on the server (it is never created: a wrong base folder is noticed instead of
 *    being silently made); the folders in `segments` are created below it, one level at a time.
 * 2. Existing copies are looked up first: `name`, `name (2).ext` … A copy with the same size and
 *    SHA-256 (downloaded and hashed) means the document was already delivered (a retry after a
 *    crash between the rename and the bookkeeping): nothing is sent and `alreadyThere` is true.
 *    When the plain name is free (a SIZE reply 550) — nearly always — the folder is not listed.
 * 3. The bytes go to `.<name>.<id>.partial` in the target folder (STOR; basic-ftp checks that all
 *    of them were sent, the server's 226 that all were stored).
 *    The id is derived from the delivery, so a retry after a broken connection replaces the partial
 *    the broken attempt left instead of adding another one. It is deleted first: the server's session
 *    of an abandoned attempt may still hold it open under an upload lock (vsftpd does, until that
 *    session times out), and a new file under the same name does not wait for that lock.
 * 4. The partial is renamed (RNFR/RNTO) to the first free name. FTP has no "rename unless the
 *    target exists" (most servers replace it, as rename(2) does), so the target is checked just
 *    before, with the check-and-rename serialised per server folder inside this process (the outbox
 *    runs one engine per data folder). A different file arriving from elsewhere in that instant is
 *    the one race left; a copy with our own bytes found at the target counts as delivered.
 * 5. On failure the partial is removed when the connection still works; otherwise the next attempt
 *    replaces it, and cleanupInterrupted removes what a killed process left.
 *
 * Servers that refuse SIZE (rare) are asked by listing the folder instead; servers that refuse
 * downloads (upload-only accounts) make an existing same-named file count as different: a second
 * copy `name (2).ext` rather than any risk of replacing it.
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { Client } from 'basic-ftp';
import { partialNameFor } from '../atomic-write.ts';
import { numberedName } from '../path-template.ts';
import { DeliveryError } from '../types.ts';
import type { FtpConnection } from './connect.ts';
import { isFtpError, networkFailure, replyCode, replyText, serverName } from './errors.ts';
import type { FtpSettings } from './settings.ts';
import { createKeyLock } from '../key-lock.ts';

/** Chunk size of uploads; also how often progress is reported. */
const CHUNK = 256 * 1024;
const MAX_COPIES = 1000;
const NUMBERED = / \(([1-9]\d{0,5})\)(?:\.[^.]*)?$/;
/** At most this much of an upload can sit in socket buffers when our last byte has left (Linux autotunes up to ~4 + 6 MB). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** The slowest rate (512 kbit/s) at which a server is expected to read those buffered bytes. */
const SLOW_SERVER_BYTES_PER_SECOND = 64_000;

/** Extra time the server gets to confirm an upload of `size` bytes after our last byte left (see RemoteFolder.store). */
export function drainAllowanceMs(size: number): number {
  return Math.ceil((Math.min(size, MAX_BUFFERED_BYTES) / SLOW_SERVER_BYTES_PER_SECOND) * 1000);
}

export interface PutResult {
  /** Absolute remote path of the delivered file (or of the identical copy already there). */
  path: string;
  alreadyThere: boolean;
}

export interface PutOptions {
  /** 12 hex digits that name the partial file: the same for every attempt of one delivery's file. */
  partialId: string;
  onProgress?(sent: number, total: number): void;
  /** What a missing `root` means (the connection's base folder: fatal; a client's own folder: no-retry). */
  rootMissing(root: string, cause: unknown): DeliveryError;
}

/** `/a/b` + `c` → `/a/b/c` (remote paths always use `/`). */
export function joinRemote(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** The folder part of a remote path. */
export function remoteParent(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Normalises a remote folder: `/` separators, no empty or `.` parts, no trailing `/`. */
export function normalizeRemote(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return `/${parts.join('/')}`;
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Runs `fn` alone among the callers with the same key (this process only). */
const withFolderLock = createKeyLock();

/** The FTP operations of one connection that a delivery needs, with the answers it has learnt cached. */
export class RemoteFolder {
  private readonly client: Client;
  private readonly settings: FtpSettings;
  /** Folders known to exist (checked or created in this session). */
  private readonly knownDirs = new Set<string>();
  private sizeSupported = true;

  constructor(connection: FtpConnection, settings: FtpSettings) {
    this.client = connection.client;
    this.settings = settings;
  }

  /** Size of a file, or null when there is no such file (a folder counts as no file). */
  async sizeOf(path: string): Promise<number | null> {
    if (this.sizeSupported) {
      try {
        return await this.client.size(path);
      } catch (error) {
        const code = replyCode(error);
        if (code === 550 || code === 450) return null;
        if (code === 500 || code === 501 || code === 502 || code === 504) this.sizeSupported = false;
        else throw error;
      }
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    const entry = (await this.listFiles(remoteParent(path))).find((file) => file.name === name);
    return entry ? entry.size : null;
  }

  /** The files of a folder (not its subfolders), or [] when it cannot be listed. */
  async listFiles(dir: string): Promise<{ name: string; size: number }[]> {
    try {
      return (await this.client.list(dir)).filter((entry) => entry.isFile).map((entry) => ({ name: entry.name, size: entry.size }));
    } catch (error) {
      if (isFtpError(error) && replyCode(error) !== null && replyCode(error)! >= 500) return [];
      throw error;
    }
  }

  /** SHA-256 of a remote file, or null when the server does not let us read it. */
  async hashOf(path: string): Promise<string | null> {
    const hash = createHash('sha256');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback();
      },
    });
    try {
      await this.client.downloadTo(sink, path);
    } catch (error) {
      if (isFtpError(error) && replyCode(error)! >= 500) return null;
      throw error;
    }
    return hash.digest('hex');
  }

  /** True when the folder exists (and this account may open it). */
  async isFolder(path: string): Promise<boolean> {
    if (this.knownDirs.has(path)) return true;
    try {
      await this.client.cd(path);
    } catch (error) {
      if (replyCode(error) === 550 || replyCode(error) === 450) return false;
      throw error;
    }
    this.knownDirs.add(path);
    return true;
  }

  /** Creates `segments` one level at a time under `root` (never `root` itself). Returns the folder. */
  async ensureFolders(root: string, segments: readonly string[], rootMissing: PutOptions['rootMissing']): Promise<string> {
    if (!(await this.isFolder(root))) throw rootMissing(root, null);
    let dir = root;
    for (const segment of segments) {
      const parent = dir;
      dir = joinRemote(dir, segment);
      if (await this.isFolder(dir)) continue;
      try {
        await this.client.send(`MKD ${dir}`);
        this.knownDirs.add(dir);
      } catch (error) {
        const code = replyCode(error);
        if (code === null || code < 500) throw error;
        if (await this.isFolder(dir)) continue; // made meanwhile by another delivery
        throw new DeliveryError(
          'no-retry',
          'folder-create-failed',
          `The FTP server ${serverName(this.settings)} refused to create the folder ${dir} (it said: ${replyText(error)}). Either this FTP account may not create folders in ${parent}, or a file named ${segment} is in the way. Give the account that right, create the folder yourself or remove the file, then retry the delivery.`,
          { cause: error },
        );
      }
    }
    return dir;
  }

  /** Uploads `bytes` to `path` (STOR, replacing what is there: only ever our own partial). */
  async store(path: string, bytes: Uint8Array, onProgress?: (sent: number) => void): Promise<void> {
    // When the last byte has left us, the server still has to read what the sockets buffer (up to
    // several megabytes on a fast network) before it confirms; a server that limits its rate can
    // take longer than the timeout for that — and would then time out every attempt at a large file.
    // basic-ftp reads the timeout for that wait when the data is done, so it gets room for what can
    // be buffered at a slow rate; stalls during the transfer are still caught by basic-ftp's
    // watchdog with the usual timeout.
    const ftp = this.client.ftp as { timeout: number };
    const usual = ftp.timeout;
    let offset = 0;
    const source = new Readable({
      highWaterMark: CHUNK,
      read() {
        if (offset >= bytes.length) {
          if (usual > 0) ftp.timeout = usual + drainAllowanceMs(bytes.length);
          this.push(null);
          return;
        }
        const end = Math.min(offset + CHUNK, bytes.length);
        this.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset));
        offset = end;
        onProgress?.(offset);
      },
    });
    try {
      await this.client.uploadFrom(source, path);
    } finally {
      ftp.timeout = usual;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await this.client.rename(from, to);
  }

  /** Removes a file; false when that did not work (already gone, or not allowed). Never throws. */
  async remove(path: string): Promise<boolean> {
    if (this.client.closed) return false;
    try {
      await this.client.remove(path);
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets what it knew about folders (after a failure: they may be gone). */
  forget(): void {
    this.knownDirs.clear();
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes `bytes` to `root/segments…/name` on the server atomically and exactly once (see the module
 * comment). Throws DeliveryError.
 */
export async function putFileAtomic(remote: RemoteFolder, settings: FtpSettings, root: string, segments: readonly string[], name: string, bytes: Uint8Array, options: PutOptions): Promise<PutResult> {
  const server = serverName(settings);
  const intended = joinRemote([root, ...segments].reduce(joinRemote), name);
  let stage = `creating the folders for ${intended}`;
  let storing = false;
  let partial: string | null = null;
  try {
    const dir = await remote.ensureFolders(root, segments, options.rootMissing);
    const digest = sha256(bytes);
    const same = async (candidate: string, size: number | null): Promise<boolean> => size === bytes.length && (await remote.hashOf(candidate)) === digest;

    // 1. Our own earlier copy (or the same document delivered by hand): nothing to send.
    stage = `checking whether ${intended} is already there`;
    const taken = new Set<string>();
    const plain = await remote.sizeOf(joinRemote(dir, name));
    if (plain !== null) {
      const copies: { n: number; name: string; size: number }[] = [];
      for (const file of await remote.listFiles(dir)) {
        taken.add(fold(file.name));
        const n = fold(file.name) === fold(name) ? 1 : Number(NUMBERED.exec(file.name)?.[1] ?? 0);
        if (n >= 1 && fold(numberedName(name, n)) === fold(file.name)) copies.push({ n, name: file.name, size: file.size });
      }
      if (copies.length === 0) copies.push({ n: 1, name, size: plain }); // listing refused: at least the plain name
      copies.sort((a, b) => a.n - b.n);
      for (const copy of copies) {
        if (await same(joinRemote(dir, copy.name), copy.size)) return { path: joinRemote(dir, copy.name), alreadyThere: true };
      }
      taken.add(fold(name));
    }

    // 2. Send the partial.
    const partialPath = joinRemote(dir, partialNameFor(name, options.partialId));
    stage = `uploading ${intended}`;
    partial = partialPath;
    await remote.remove(partialPath); // what a broken attempt left (see 3. above); usually nothing
    options.onProgress?.(0, bytes.length);
    storing = true;
    await remote.store(partialPath, bytes, (sent) => options.onProgress?.(sent, bytes.length));
    storing = false;

    // 3. Give it the first free name, never replacing a file.
    stage = `renaming the uploaded file to ${intended}`;
    return await withFolderLock(`${settings.host}:${settings.port}|${dir}`, async () => {
      for (let n = 1; n <= MAX_COPIES; n++) {
        const candidate = numberedName(name, n);
        const target = joinRemote(dir, candidate);
        if (taken.has(fold(candidate))) continue; // a different file, compared above
        const size = await remote.sizeOf(target);
        if (size !== null) {
          if (await same(target, size)) {
            await remote.remove(partialPath);
            partial = null;
            return { path: target, alreadyThere: true };
          }
          continue;
        }
        try {
          await remote.rename(partialPath, target);
          partial = null;
          return { path: target, alreadyThere: false };
        } catch (error) {
          const code = replyCode(error);
          if (code === null || code < 500) throw error;
          if ((await remote.sizeOf(target)) !== null) continue; // somebody took the name meanwhile
          throw new DeliveryError(
            'no-retry',
            'rename-failed',
            `The FTP server ${server} accepted ${intended} under a temporary name but refused to rename it (it said: ${replyText(error)}). This FTP account needs the right to rename files in ${dir}, and no folder may be called ${candidate}. Fix that with whoever runs the server, then retry the delivery.`,
            { cause: error },
          );
        }
      }
      throw new DeliveryError('no-retry', 'too-many-copies', `There are already ${MAX_COPIES} different files named like ${name} in ${dir} on ${server}. Tidy that folder or change the path template, then retry the delivery.`);
    });
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    const code = replyCode(error);
    if (storing && (code === 550 || code === 553 || code === 532)) {
      // Refused outright: the folder was there a moment ago, so this is about rights (or the name).
      throw new DeliveryError(
        'no-retry',
        'permission-denied',
        `The FTP server ${server} refused to store ${intended} (it said: ${replyText(error)}). This FTP account may not write in ${remoteParent(intended)}, or the server does not accept that file name. Give the account write access there (or choose another folder in the connection settings), then retry the delivery.`,
        { cause: error },
      );
    }
    remote.forget();
    throw networkFailure(error, settings, stage);
  } finally {
    if (partial !== null) await remote.remove(partial);
  }
}
