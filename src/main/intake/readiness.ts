/**
 * When is a file in a watch folder ready to be picked up? (GUIDE §4, facts/architecture.md §C4,
 * facts/feasibility.md §7.) chokidar's `awaitWriteFinish` only watches the size, and fires mid-write
 * when the writer stalls longer than its threshold. Here a file is ready when all of these hold:
 *
 * 1. its name is not a temporary or system name (isTempName);
 * 2. it is a regular file (symlinks are followed) and not empty;
 * 3. its size, mtime, ctime and inode have not changed for `stableMs` (polled every `pollMs`);
 * 4. nobody is still writing it, as far as the OS can tell:
 *    - Windows: an exclusive open succeeds: read-only, with share mode 0 (libuv's UV_FS_O_EXLOCK).
 *      It fails with a sharing violation (EBUSY) while any other program has the file open —
 *      Explorer copies, scanners, fopen() writers that share writing, an SMB client writing through
 *      the server. It also waits out readers (an antivirus scan, a PDF viewer showing the file);
 *      they are retried every second until `timeoutMs`. The handle lives for microseconds; a
 *      program opening the file in that instant gets a sharing violation, as it would against any
 *      reader that denies sharing.
 *    - Linux: an open for reading succeeds, and no process we can inspect has the file open for
 *      writing (/proc/<pid>/fd + fdinfo, see open-writers.ts; batched, about 10–250 ms a sweep).
 *    - macOS and other POSIX: an open for reading succeeds. There is no mandatory locking and no
 *      cheap way to list writers (lsof costs a process spawn), so the stability window is the guard.
 *    After that check the file is stat'ed once more and must still be unchanged.
 *
 * Nothing here writes, renames or keeps the file open.
 */
import { constants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemErrorCode } from '../engine/errors.ts';
import { openWriterCheckSupported, openWriters } from './open-writers.ts';
import type { OpenWriter } from './open-writers.ts';

// ---------------------------------------------------------------------------------------------
// Temporary and system names

/**
 * Exact names (compared case-insensitively) that are never documents, files or folders: thumbnail
 * caches and folder settings written by Windows Explorer, the recycle bin and system folders.
 */
const SYSTEM_NAMES = new Set(['thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', 'icon\r', '$recycle.bin', 'recycler', 'system volume information', 'lost+found']);

/** Endings (case-insensitive) of files that are still being produced under a temporary name. */
const TEMP_SUFFIXES = [
  '.tmp', // Word's ~WRL0001.tmp, many installers and converters, our own producers' convention
  '.temp',
  '.part', // Firefox downloads (name.pdf.part), many download managers
  '.partial', // old Edge / IE downloads, our own `.name.<hex>.partial` (also hidden)
  '.crdownload', // Chrome, Edge, Brave, Opera
  '.download', // Safari (a folder bundle name.pdf.download)
  '.opdownload', // old Opera
  '.filepart', // WinSCP uploads (renamed to the final name when complete)
  '.crswap', // Chromium File System Access writes
];

/** macOS "safe save" temporaries: name.pdf.sb-1a2b3c4d-XyZ123. */
const MAC_SAFE_SAVE = /\.sb-[0-9a-f]{8}-[0-9a-z]{6}$/i;

/**
 * True when `name` (a base name, not a path) is a temporary, lock, backup or system name: never a
 * document to pick up and never a folder to look into. The rules, with what produces each name:
 *
 * - hidden names, starting with `.`: LibreOffice locks `.~lock.x.docx#`, rsync temporaries
 *   `.x.pdf.Ab12Cd`, our own `.x.pdf.<hex>.partial`, macOS `.DS_Store` and AppleDouble `._x.pdf`,
 *   vim swap `.x.swp`, GNOME `.goutputstream-XXXXXX`, Syncthing `.syncthing.x.tmp`, `.Trash-1000`,
 *   `.git`. A real document with a leading dot is vanishingly rare, while every one of these tools
 *   writes its temporaries that way, so all hidden names are ignored (documented for users).
 * - `~$x.xlsx`: Microsoft Office owner/lock files;
 * - `x~` and `#x#`: editor backups and Emacs autosaves;
 * - endings: `.tmp`, `.temp`, `.part`, `.partial`, `.crdownload`, `.download`, `.opdownload`,
 *   `.filepart`, `.crswap` (TEMP_SUFFIXES) and macOS safe-save `x.sb-1a2b3c4d-XyZ123`;
 * - `Thumbs.db`, `ehthumbs.db`, `desktop.ini`, `Icon\r`, `$RECYCLE.BIN`, `System Volume Information`,
 *   `RECYCLER`, `lost+found`.
 *
 * Not covered on purpose: Excel's save temporaries (8 hex digits, no extension, e.g. `5A3B2C10`),
 * because real names such as `20240131` look the same. They live for milliseconds before Excel
 * renames them, so the readiness wait sees them vanish and nothing is reported.
 */
export function isTempName(name: string): boolean {
  if (name === '' || name.startsWith('.') || name.startsWith('~$')) return true;
  if (name.endsWith('~') || (name.length > 1 && name.startsWith('#') && name.endsWith('#'))) return true;
  const lower = name.toLowerCase();
  if (SYSTEM_NAMES.has(lower)) return true;
  if (TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return true;
  return MAC_SAFE_SAVE.test(name);
}

// ---------------------------------------------------------------------------------------------
// Readiness

export interface ReadinessOptions {
  /** How long size, mtime, ctime and inode must stay unchanged. Default 2000 ms. */
  stableMs?: number;
  /**
   * How often to stat the file meanwhile. Default min(250, stableMs / 2), at least 10 ms: a change
   * is seen within one poll, and a batch of thousands of files arriving at once costs few calls.
   */
  pollMs?: number;
  /** Give up (reason 'timeout') after this long. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Linux: also require that no process has the file open for writing (/proc). Default true.
   * Ignored elsewhere.
   */
  checkOpenWriters?: boolean;
}

export type NotReadyReason =
  /** The file is gone (deleted, renamed away) — not a problem, its new name gets its own event. */
  | 'vanished'
  /** A folder, a device, a socket … */
  | 'not-a-file'
  /** Still empty: Firefox, for one, creates the final name empty and renames the download over it. */
  | 'empty'
  | 'temp-name'
  /** We may not read it (permissions). `detail` has the system error code. */
  | 'unreadable'
  /** Still changing, or still open by a writer, after `timeoutMs`. `detail` says which. */
  | 'timeout'
  | 'aborted';

/** mtime in milliseconds with microsecond precision, the same number everywhere in intake. */
export function mtimeMsOf(info: BigIntStats): number {
  return Number(info.mtimeNs / 1000n) / 1000;
}

export type Readiness = { ready: true; size: number; mtimeMs: number } | { ready: false; reason: NotReadyReason; detail?: string };

export const DEFAULT_STABLE_MS = 2000;
export const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
/** A file found still open by a writer is checked again no sooner than this. */
const BUSY_RECHECK_MS = 1000;

const GONE = new Set(['ENOENT', 'ENOTDIR']);
const DENIED = new Set(['EACCES', 'EPERM']);

function signature(info: BigIntStats): string {
  return `${info.size}:${info.mtimeNs}:${info.ctimeNs}:${info.ino}:${info.dev}`;
}

type Probe = { state: 'free' } | { state: 'busy'; detail: string } | { state: 'gone' } | { state: 'unreadable'; detail: string };

/** libuv's UV_FS_O_EXLOCK (not exported by Node): on Windows, open with share mode 0. */
const UV_FS_O_EXLOCK = 0x10000000;

async function tryOpen(file: string, flags: 'r' | number): Promise<string | null> {
  try {
    const handle = await open(file, flags);
    await handle.close();
    return null;
  } catch (error) {
    return systemErrorCode(error) ?? 'EUNKNOWN';
  }
}

function describeWriters(writers: readonly OpenWriter[]): string {
  return writers.map((writer) => (writer.command ? `${writer.command} (pid ${writer.pid})` : `pid ${writer.pid}`)).join(', ');
}

/** Step 4 of the module comment: can we tell that somebody is still writing the file? */
async function probeWriters(file: string, checkOpenWriters: boolean, info: BigIntStats): Promise<Probe> {
  if (process.platform === 'win32') {
    const exclusive = await tryOpen(file, constants.O_RDONLY | UV_FS_O_EXLOCK);
    if (exclusive === null) return { state: 'free' };
    if (GONE.has(exclusive)) return { state: 'gone' };
    if (exclusive === 'EBUSY') return { state: 'busy', detail: 'another program has it open' };
    return DENIED.has(exclusive) ? { state: 'unreadable', detail: exclusive } : { state: 'busy', detail: `cannot open it (${exclusive})` };
  }
  const ro = await tryOpen(file, 'r');
  if (ro !== null) {
    if (GONE.has(ro)) return { state: 'gone' };
    return DENIED.has(ro) ? { state: 'unreadable', detail: ro } : { state: 'busy', detail: `cannot open it (${ro})` };
  }
  if (checkOpenWriters && openWriterCheckSupported()) {
    const writers = await openWriters(file, info);
    if (writers.length > 0) return { state: 'busy', detail: `still open for writing by ${describeWriters(writers)}` };
  }
  return { state: 'free' };
}

/**
 * Waits until `file` is ready (see the module comment) and returns its size and mtime, or says why
 * it is not. Never throws; an abort returns reason 'aborted'.
 */
export async function waitUntilReady(file: string, options: ReadinessOptions = {}): Promise<Readiness> {
  const stableMs = Math.max(0, options.stableMs ?? DEFAULT_STABLE_MS);
  const pollMs = Math.max(10, options.pollMs ?? Math.min(250, stableMs / 2));
  const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const checkOpenWriters = options.checkOpenWriters ?? true;
  const signal = options.signal;

  if (isTempName(path.basename(file))) return { ready: false, reason: 'temp-name' };

  const started = performance.now();
  let last = '';
  let stableSince = 0;
  let nextProbeAt = 0;
  let why = 'its size kept changing';

  for (;;) {
    if (signal?.aborted) return { ready: false, reason: 'aborted' };
    const now = performance.now();
    let info: BigIntStats | null = null;
    try {
      info = await stat(file, { bigint: true });
    } catch (error) {
      const code = systemErrorCode(error) ?? 'EUNKNOWN';
      if (GONE.has(code)) return { ready: false, reason: 'vanished' };
      if (DENIED.has(code)) return { ready: false, reason: 'unreadable', detail: code };
      // EBUSY (Windows system files), EIO on a flaky share …: try again until the timeout.
      why = `it cannot be read (${code})`;
      last = '';
    }
    if (info !== null) {
      if (!info.isFile()) return { ready: false, reason: 'not-a-file' };
      const current = signature(info);
      if (current !== last) {
        last = current;
        stableSince = now;
        why = 'its size kept changing';
      } else if (now - stableSince >= stableMs && now >= nextProbeAt) {
        if (info.size === 0n) return { ready: false, reason: 'empty' };
        const probe = await probeWriters(file, checkOpenWriters, info);
        if (probe.state === 'gone') return { ready: false, reason: 'vanished' };
        if (probe.state === 'unreadable') return { ready: false, reason: 'unreadable', detail: probe.detail };
        if (probe.state === 'busy') {
          why = probe.detail;
          nextProbeAt = performance.now() + Math.max(pollMs, BUSY_RECHECK_MS);
        } else {
          // The probe took time: the file must still be exactly as it was.
          const again = await stat(file, { bigint: true }).catch(() => null);
          if (again === null) return { ready: false, reason: 'vanished' };
          if (signature(again) === last) return { ready: true, size: Number(again.size), mtimeMs: mtimeMsOf(again) };
          last = signature(again);
          stableSince = performance.now();
        }
      }
    }
    if (performance.now() - started >= timeoutMs) return { ready: false, reason: 'timeout', detail: why };
    try {
      await sleep(pollMs, undefined, { signal });
    } catch {
      return { ready: false, reason: 'aborted' };
    }
  }
}
