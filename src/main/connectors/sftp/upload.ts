/**
 * Puts one file on the SFTP server so that it appears whole or not at all, exactly once, and never
 * over somebody else's file — the SFTP counterpart of atomic-write.ts (GUIDE §3):
 *
 * 1. Missing folders are created one level at a time (remembered per connection, so a batch does
 *    not ask again for every file).
 * 2. An existing `name`, `name (2).ext` … with the same size and bytes means the document is
 *    already there (a retry after a success we did not hear about): nothing is sent.
 * 3. The bytes go to `.<name>.<id>.partial` (atomic-write's partialNameFor) in the target folder,
 *    created exclusively, then fsynced on the server (fsync@openssh.com, where offered). The id is
 *    derived from the delivery, so a retry reuses the name and replaces what an interrupted attempt
 *    (a dropped connection, a killed process) left behind instead of adding another leftover.
 * 4. The partial is renamed (posix-rename@openssh.com, else the plain rename) to the first free name
 *    among `name`, `name (2).ext` …: checked and renamed under a lock per server folder, so this
 *    process's parallel connections never rename onto each other's files; a name that turns out to
 *    hold the same bytes ends it as "already there".
 * A failure removes the partial when the connection still allows it.
 */
import { posix } from 'node:path';
import type { Stats } from 'ssh2';
import { partialNameFor } from '../atomic-write.ts';
import { numberedName } from '../path-template.ts';
import { DeliveryError } from '../types.ts';
import type { SftpConnection } from './connection.ts';
import { SFTP_STATUS, operationFailure, statusCode } from './errors.ts';
import { createKeyLock } from '../key-lock.ts';

const MAX_COPIES = 1000;

export interface PlacedFile {
  /** Absolute path on the server of the delivered file (or of the identical copy already there). */
  path: string;
  alreadyThere: boolean;
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** Runs `fn` alone among this process's callers with the same key (one server folder). */
const withLock = createKeyLock();

/**
 * Names this process gave files, per server folder (folded). Under the folder lock, a name that
 * step 1 found free and that this process never gave since cannot have been taken by this process,
 * so for a small file its second check is skipped: one round trip less per file. (Other programs
 * writing into the same folder are not covered by the lock either way; for a small file the time
 * between step 1 and the rename is about one round trip, as it is between a check and the rename.
 * A large file, whose upload takes longer, is always checked again.) Past PLACED_MAX names, every
 * name is checked again.
 */
const SKIP_RECHECK_MAX_BYTES = 256 * 1024;
const placed = new Map<string, Set<string>>();
const PLACED_MAX = 200_000;
let placedCount = 0;

function wasPlaced(folderKey: string, name: string): boolean {
  return placedCount >= PLACED_MAX || (placed.get(folderKey)?.has(name) ?? false);
}

function notePlaced(folderKey: string, name: string): void {
  if (placedCount >= PLACED_MAX) return;
  let names = placed.get(folderKey);
  if (!names) placed.set(folderKey, (names = new Set()));
  if (!names.has(name)) {
    names.add(name);
    placedCount += 1;
  }
}

function notAFolder(conn: SftpConnection, path: string): DeliveryError {
  return new DeliveryError(
    'no-retry',
    'not-a-folder',
    `Ledgerdrop cannot create the folder ${path} on ${conn.settings.host}: a file is in the way where the folder should be. Rename or move that file on the server (or change the upload path), then retry the delivery.`,
  );
}

/**
 * Makes sure `base/segments…` exists, creating what is missing below `base` (the account's start
 * folder or `/`, never created). `known` holds folders already seen on this connection.
 */
export async function ensureFolders(conn: SftpConnection, base: string, segments: readonly string[], known: Set<string>): Promise<string> {
  const target = posix.join(base, ...segments);
  if (known.has(target)) return target;
  const existing = await conn.lstat(target).catch((error: unknown) => {
    throw operationFailure(error, conn.settings, `read the folder ${target}`, posix.dirname(target));
  });
  if (existing?.isDirectory()) {
    known.add(target);
    return target;
  }
  let dir = base;
  for (const segment of segments) {
    const parent = dir;
    dir = posix.join(dir, segment);
    if (known.has(dir)) continue;
    try {
      const info = dir === target ? existing : await conn.lstat(dir);
      if (info === null) await conn.mkdir(dir);
      else if (!info.isDirectory()) throw notAFolder(conn, dir);
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      // Created meanwhile by a parallel delivery: fine when it is a folder now.
      const info = await conn.lstat(dir).catch(() => null);
      if (info?.isDirectory()) {
        known.add(dir);
        continue;
      }
      if (info) throw notAFolder(conn, dir);
      throw operationFailure(error, conn.settings, `create the folder ${dir}`, parent);
    }
    known.add(dir);
  }
  return target;
}

/** Same size, then the same bytes. */
async function holdsSameBytes(conn: SftpConnection, path: string, info: Stats | null, bytes: Uint8Array): Promise<boolean> {
  if (info === null || !info.isFile() || info.size !== bytes.length) return false;
  return conn.sameBytes(path, bytes, info.size);
}

/** Creates the partial file, replacing a leftover of an earlier attempt of this same delivery. */
async function createPartial(conn: SftpConnection, partialPath: string): Promise<Buffer> {
  try {
    return await conn.createExclusive(partialPath);
  } catch (error) {
    // OpenSSH answers a plain FAILURE when the name exists (O_EXCL): our own leftover, since the
    // name comes from the delivery id. Removing it is safe even if an older attempt were still
    // writing to it: that attempt's rename would fail and it would find this copy next time.
    if (statusCode(error) !== SFTP_STATUS.FAILURE || (await conn.lstat(partialPath)) === null) throw error;
    await conn.unlink(partialPath);
    return conn.createExclusive(partialPath);
  }
}

export interface PlaceFileRequest {
  /** Absolute folder on the server (exists). */
  dir: string;
  name: string;
  bytes: Uint8Array;
  /** 12 lowercase hex characters, stable for this delivery and file. */
  partialId: string;
  onProgress?(written: number): void;
}

export async function placeFile(conn: SftpConnection, request: PlaceFileRequest): Promise<PlacedFile> {
  const { dir, name, bytes } = request;
  const { settings } = conn;
  const intended = posix.join(dir, name);
  const fail = (action: string) => (error: unknown) => {
    throw operationFailure(error, settings, action, dir);
  };

  // 1. Our own earlier copy (or the same document put there by hand)? When the plain name is free —
  // nearly always — there is nothing to compare and the folder is not listed. The check and the
  // creation of the partial go out together: one round trip instead of two (in the rare case of an
  // earlier copy, the partial is removed unused).
  const taken = new Set<string>();
  const partialPath = posix.join(dir, partialNameFor(name, request.partialId));
  const [plainCheck, opening] = await Promise.allSettled([conn.lstat(intended), createPartial(conn, partialPath)]);
  let handle: Buffer | null = opening.status === 'fulfilled' ? opening.value : null;
  let partialLeft = handle !== null;
  try {
    if (plainCheck.status === 'rejected') fail(`read the folder ${dir}`)(plainCheck.reason);
    const plain = plainCheck.status === 'fulfilled' ? plainCheck.value : null;
    if (plain !== null) {
      const entries = await conn.readdir(dir).catch(fail(`list the folder ${dir}`));
      const copies: { n: number; entry: string; info: Stats }[] = [];
      for (const entry of entries) {
        taken.add(fold(entry.filename));
        const n = fold(entry.filename) === fold(name) ? 1 : Number(/ \(([1-9]\d{0,5})\)(?:\.[^.]*)?$/.exec(entry.filename)?.[1] ?? 0);
        if (n >= 1 && fold(numberedName(name, n)) === fold(entry.filename)) copies.push({ n, entry: entry.filename, info: entry.attrs });
      }
      copies.sort((a, b) => a.n - b.n);
      for (const copy of copies) {
        const path = posix.join(dir, copy.entry);
        if (await holdsSameBytes(conn, path, copy.info, bytes).catch(fail(`read ${path}`))) return { path, alreadyThere: true };
      }
    }

    // 2. The partial.
    if (opening.status === 'rejected') fail(`write in ${dir}`)(opening.reason);
    const open = handle!;
    handle = null; // writeSyncClose closes it, whatever happens
    await conn.writeSyncClose(open, bytes, request.onProgress).catch(fail(`write ${intended}`));

    // 3. The first free name, never replacing a file.
    const folderKey = `${settings.host}:${settings.port}:${dir}`;
    return await withLock(folderKey, async () => {
      for (let n = 1; n <= MAX_COPIES; n++) {
        const candidate = numberedName(name, n);
        if (taken.has(fold(candidate))) continue;
        const target = posix.join(dir, candidate);
        const stillFree = n === 1 && plain === null && bytes.length <= SKIP_RECHECK_MAX_BYTES && !wasPlaced(folderKey, fold(candidate));
        const info = stillFree ? null : await conn.lstat(target).catch(fail(`read the folder ${dir}`));
        if (info !== null) {
          // Appeared since step 1: perhaps a parallel delivery of these same bytes.
          taken.add(fold(candidate));
          if (await holdsSameBytes(conn, target, info, bytes).catch(fail(`read ${target}`))) return { path: target, alreadyThere: true };
          continue;
        }
        try {
          await conn.rename(partialPath, target);
        } catch (error) {
          // The plain rename refuses an existing target: somebody else took the name just now.
          if (statusCode(error) === SFTP_STATUS.FAILURE && (await conn.lstat(target).catch(() => null)) !== null) {
            n -= 1;
            continue;
          }
          fail(`rename ${partialPath} to ${candidate}`)(error);
        }
        partialLeft = false;
        notePlaced(folderKey, fold(candidate));
        return { path: target, alreadyThere: false };
      }
      throw new DeliveryError('no-retry', 'too-many-copies', `There are already ${MAX_COPIES} different files named like ${name} in ${dir} on ${settings.host}. Tidy that folder or change the upload path, then retry the delivery.`);
    });
  } finally {
    // Best effort: when the connection is gone the next attempt of this delivery replaces it (same
    // name), or cleanupInterrupted removes it.
    if (handle !== null && conn.alive) await conn.closeHandle(handle).catch(() => undefined);
    if (partialLeft && conn.alive) await conn.unlink(partialPath).catch(() => undefined);
  }
}
