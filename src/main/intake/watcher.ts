/**
 * One watch folder: tells the engine about each new or changed file once it is complete
 * (GUIDE §4, facts/architecture.md §C4, facts/feasibility.md §7).
 *
 * - `start()` lists the files already there (the baseline: the engine decides what it means) and
 *   never hands them to `onFile`. chokidar 5 then reports what arrives (`ignoreInitial`), with
 *   `usePolling` for network drives, where native events do not cross SMB/NFS.
 * - Every candidate goes through waitUntilReady (readiness.ts) first: one wait per path; a new event
 *   for a path still waiting restarts its wait (native events only: a poll reports a change late,
 *   after the wait's own stat polling has already restarted it); a file that changes while it is
 *   being handed over is checked again afterwards. At most `concurrency` onFile calls run at once,
 *   and none before the baseline is recorded.
 * - A periodic full rescan (also in polling mode) catches what events missed: any file whose
 *   path + size + mtime was not handed to onFile before in this process is checked and handed over.
 *   The engine de-duplicates by SHA-256, so a second delivery of the same bytes is harmless; a
 *   missed one is not.
 * - The folder itself is checked every `reattachIntervalMs` (and at once when chokidar reports it
 *   unlinked or an error): gone, not a folder any more, or replaced by another folder of the same
 *   name (another inode or creation time: the old native watch is dead) → `folder-missing`; it is
 *   re-attached as soon as it is back → `folder-back`, followed by a rescan (files added meanwhile
 *   are handed over; files handed over before are not, as long as they are unchanged). A Linux
 *   mount point whose share was unmounted is an empty folder: it counts as "replaced", and a rescan
 *   that finds the folder empty forgets nothing, so remounting does not hand everything over again.
 * - A file renamed or moved into the folder is a new file; a file moved out is forgotten (so moving
 *   it back in hands it over again), unless the whole folder went away (a disconnected share: its
 *   files are not handed over again when it returns unchanged). Temporary/system names and our
 *   processed/ and failed/ subfolders are ignored (scan.ts isIgnoredPath).
 * - Errors (chokidar `error` events, unreadable entries, readiness time-outs, onFile failures) go
 *   to `onError`, each distinct problem at most once a minute; nothing here throws after start(),
 *   and an onFile or onError that throws does not stop the watcher. A file whose onFile failed is
 *   forgotten, so the next rescan offers it again. Per-file watch errors that only mean "busy" or
 *   "gone" (EBUSY/EPERM/EACCES/ENOENT below the folder) are not reported (isFileWatchNoise).
 * - Never writes, renames, moves or deletes anything in the folder.
 * - `stop()` cancels the waits, closes chokidar, clears every timer and resolves once the onFile
 *   calls in progress have settled; files still queued are dropped (the next start lists them).
 */
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { systemErrorCode } from '../engine/errors.ts';
import { DEFAULT_READY_TIMEOUT_MS, DEFAULT_STABLE_MS, waitUntilReady } from './readiness.ts';
import type { Readiness } from './readiness.ts';
import { DEFAULT_MAX_DEPTH, isIgnoredPath, scanFolder } from './scan.ts';

export type WatchProblemCode =
  /** The folder is gone, is not a folder, or was replaced; re-attaching every reattachIntervalMs. */
  | 'folder-missing'
  /** The folder is back and watched again (not an error: the end of a folder-missing). */
  | 'folder-back'
  /** chokidar reported an error (EPERM on Windows, too many watches, …); watching goes on. */
  | 'watch-error'
  /** The rescan could not read an entry (permissions, broken link, link loop). */
  | 'scan-error'
  /** A file was still changing or still open by a writer when the readiness wait timed out. */
  | 'not-ready'
  /** A file we may not read. */
  | 'unreadable'
  /** onFile threw or rejected; the file is offered again at the next rescan. */
  | 'on-file-failed';

export interface WatchProblem {
  code: WatchProblemCode;
  /** One plain-language line. */
  message: string;
  /** The file or folder concerned. */
  path: string;
}

export interface WatchedFile {
  size: number;
  mtimeMs: number;
  /** What found it: a file event, or a rescan (periodic, or after the folder came back). */
  trigger: 'event' | 'rescan';
}

export interface FolderWatcherOptions {
  /** The watch folder (made absolute). */
  path: string;
  /** Poll instead of native events: network drives (SMB/NFS) and other file systems without events. */
  polling?: boolean;
  /** chokidar's polling interval when `polling` (default 2000 ms). */
  pollIntervalMs?: number;
  /** Full rescan every … (default 5 minutes; 0 turns it off). */
  rescanIntervalMs?: number;
  /** Readiness: how long a file must stay unchanged (default 2000 ms, see readiness.ts). */
  stableMs?: number;
  /** Readiness: stat interval while waiting (default min(250, stableMs / 2)). */
  readyPollMs?: number;
  /** Readiness: give up and report `not-ready` after … (default 10 minutes; the next rescan retries). */
  readyTimeoutMs?: number;
  /** Linux: also wait until no process has the file open for writing (default true). */
  checkOpenWriters?: boolean;
  /** Subfolder levels watched below the folder (chokidar `depth`; default 8). */
  depth?: number;
  /** At most this many onFile calls at once (default 8). */
  concurrency?: number;
  /** How often the folder itself is checked, and re-attached when it was missing (default 5000 ms). */
  reattachIntervalMs?: number;
  /** Called once per new or changed complete file. May be async; errors are reported, not thrown. */
  onFile: (absPath: string, info: WatchedFile) => Promise<void> | void;
  onError: (problem: WatchProblem) => void;
  /**
   * When the folder was missing at start(), its first listing once it appears is the baseline: it
   * is passed here instead of to onFile (start() returned an empty baseline and attached: false).
   */
  onBaseline?: (paths: string[]) => void;
}

export interface StartResult {
  /** The files present at start (absolute paths). Never passed to onFile. */
  baseline: string[];
  /** False when the folder was missing at start (see onBaseline). */
  attached: boolean;
}

export const DEFAULT_POLL_INTERVAL_MS = 2000;
export const DEFAULT_RESCAN_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REATTACH_INTERVAL_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;
/** The same problem is reported at most once in this window. */
const REPORT_EVERY_MS = 60_000;

interface Pending {
  controller: AbortController;
  phase: 'waiting' | 'delivering';
  /** Changed again while being delivered: check once more afterwards. */
  again: boolean;
  trigger: WatchedFile['trigger'];
}

/** A counting semaphore whose waiters are released (with false) on close. */
class Slots {
  private free: number;
  private readonly waiters: ((granted: boolean) => void)[] = [];
  private closed = false;

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.free++;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }
}

/**
 * The identity of the folder: device, inode and creation time. The creation time matters: ext4
 * hands a just-freed inode number to the next folder created, so `rm -rf x && mkdir x` keeps the
 * number but not the birth time (0 where the file system does not record it).
 */
function folderKey(info: BigIntStats): string {
  return `${info.dev}:${info.ino}:${info.birthtimeNs}`;
}

function signatureOf(size: number, mtimeMs: number): string {
  return `${size}:${mtimeMs}`;
}

function errorText(error: unknown): string {
  const code = systemErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export class FolderWatcher {
  readonly path: string;
  private readonly polling: boolean;
  private readonly pollIntervalMs: number;
  private readonly rescanIntervalMs: number;
  private readonly stableMs: number;
  private readonly readyPollMs: number | undefined;
  private readonly readyTimeoutMs: number;
  private readonly checkOpenWriters: boolean;
  private readonly depth: number;
  private readonly reattachIntervalMs: number;
  private readonly onFile: FolderWatcherOptions['onFile'];
  private readonly onErrorCallback: FolderWatcherOptions['onError'];
  private readonly onBaseline: FolderWatcherOptions['onBaseline'];
  private readonly slots: Slots;

  private started = false;
  /** start() has returned: from then on the folder checks may re-attach. */
  private running = false;
  private stopped = false;
  private readonly stopController = new AbortController();
  private chokidar: FSWatcher | null = null;
  /** The folder's identity (folderKey()) while attached; null while missing. */
  private folderKey: string | null = null;
  /**
   * False when the file system gives no stable identity (inode 0, or a different one at each stat,
   * as some SMB servers do): then only "is it there, and a folder" is checked.
   */
  private identityReliable = true;
  private baselineTaken = false;
  /** Resolves when the baseline is recorded: nothing is handed over before. */
  private baselineDone: Promise<void>;
  private markBaselineDone: () => void = () => undefined;

  /** path → size:mtime last handed to onFile (or listed in the baseline). */
  private readonly delivered = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  private readonly runs = new Set<Promise<void>>();
  private readonly reported = new Map<string, number>();
  /** Unlinked paths waiting for the folder check that decides whether to forget them. */
  private readonly unlinked = new Set<string>();

  private healthTimer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private rescanning: Promise<void> | null = null;

  constructor(options: FolderWatcherOptions) {
    this.path = path.resolve(options.path);
    this.polling = options.polling ?? false;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.rescanIntervalMs = options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    this.stableMs = options.stableMs ?? DEFAULT_STABLE_MS;
    this.readyPollMs = options.readyPollMs;
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.checkOpenWriters = options.checkOpenWriters ?? true;
    this.depth = options.depth ?? DEFAULT_MAX_DEPTH;
    this.reattachIntervalMs = options.reattachIntervalMs ?? DEFAULT_REATTACH_INTERVAL_MS;
    this.onFile = options.onFile;
    this.onErrorCallback = options.onError;
    this.onBaseline = options.onBaseline;
    this.slots = new Slots(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.baselineDone = new Promise((resolve) => (this.markBaselineDone = resolve));
  }

  /** Starts watching. Lists the files present now (the baseline). Rejects only if called twice. */
  async start(): Promise<StartResult> {
    if (this.started) throw new Error('FolderWatcher.start() was already called');
    this.started = true;
    let result: StartResult = { baseline: [], attached: false };
    if (await this.attach()) {
      const baseline = await this.takeBaseline();
      result = { baseline: baseline ?? [], attached: baseline !== null };
    } else {
      this.reportMissing('it does not exist or cannot be reached');
    }
    if (!this.stopped) {
      this.running = true;
      this.scheduleHealthCheck();
      this.scheduleRescan();
    }
    return result;
  }

  /** Stops watching; resolves once the onFile calls in progress have settled. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) {
      await Promise.allSettled([...this.runs]);
      return;
    }
    this.stopped = true;
    this.stopController.abort();
    if (this.healthTimer) clearTimeout(this.healthTimer);
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.healthTimer = null;
    this.rescanTimer = null;
    for (const pending of this.pending.values()) pending.controller.abort();
    this.slots.close();
    this.markBaselineDone();
    await this.detach();
    await Promise.allSettled([this.checking, this.rescanning, ...this.runs]);
  }

  // -------------------------------------------------------------------------------------------
  // Attaching to the folder

  /** Creates the chokidar watcher when the folder is there. True when attached. */
  private async attach(): Promise<boolean> {
    let info: BigIntStats;
    try {
      info = await stat(this.path, { bigint: true });
    } catch {
      return false;
    }
    if (!info.isDirectory() || this.stopped) return false;
    const watcher = watch(this.path, {
      persistent: true,
      ignoreInitial: true,
      followSymlinks: true,
      usePolling: this.polling,
      interval: this.pollIntervalMs,
      binaryInterval: this.pollIntervalMs,
      depth: this.depth,
      awaitWriteFinish: false,
      ignored: (candidate: string) => isIgnoredPath(this.path, path.resolve(candidate)),
    });
    watcher.on('add', (file) => this.onEvent(file));
    watcher.on('change', (file) => this.onEvent(file));
    watcher.on('unlink', (file) => this.onUnlink(file));
    watcher.on('unlinkDir', (dir) => {
      if (path.resolve(dir) === this.path) void this.checkFolder();
    });
    watcher.on('error', (error: unknown) => {
      void this.checkFolder();
      if (this.isFileWatchNoise(error)) return;
      const hint = systemErrorCode(error) === 'ENOSPC' ? ' The system limit for watched files is reached: raise fs.inotify.max_user_watches, or turn on polling for this folder.' : '';
      this.report(
        'watch-error',
        this.path,
        `Watching ${this.path} reported an error: ${errorText(error)}.${hint} Watching goes on; the periodic rescan catches anything missed.`,
        `watch-error:${errorText(error)}`,
      );
    });
    this.chokidar = watcher;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stopController.signal.removeEventListener('abort', done);
        resolve();
      };
      watcher.once('ready', done);
      this.stopController.signal.addEventListener('abort', done);
    });
    if (this.stopped) {
      await this.detach();
      return false;
    }
    const again = await stat(this.path, { bigint: true }).catch(() => null);
    this.identityReliable = again !== null && info.ino !== 0n && folderKey(again) === folderKey(info);
    this.folderKey = folderKey(info);
    return true;
  }

  /**
   * A file or subfolder that could not be watched because it is busy, locked, gone or private —
   * on Windows every file being written by a program that denies sharing (libuv ≥ 1.52, Node
   * 24.16+: libuv#5270), and EPERM while a watched subfolder is deleted (chokidar#643). Each is
   * covered by the folder watch, the readiness wait and the rescan (which reports unreadable
   * folders itself), so it is not worth a message per file.
   */
  private isFileWatchNoise(error: unknown): boolean {
    const code = systemErrorCode(error) ?? '';
    if (!['EBUSY', 'EPERM', 'EACCES', 'ENOENT'].includes(code)) return false;
    const where = typeof error === 'object' && error !== null && 'path' in error ? (error as { path: unknown }).path : undefined;
    return typeof where === 'string' && path.resolve(where) !== this.path;
  }

  private async detach(): Promise<void> {
    const watcher = this.chokidar;
    this.chokidar = null;
    this.folderKey = null;
    if (watcher) await watcher.close().catch(() => undefined);
  }

  /** Lists the folder and records every file as already seen. Null when the listing failed at the root. */
  private async takeBaseline(): Promise<string[] | null> {
    const baseline: string[] = [];
    let rootFailed = false;
    for await (const entry of scanFolder(this.path, { maxDepth: this.depth, signal: this.stopController.signal })) {
      if (entry.kind === 'file') {
        baseline.push(entry.path);
        this.delivered.set(entry.path, signatureOf(entry.size, entry.mtimeMs));
      } else if (entry.path === this.path) {
        rootFailed = true;
      } else {
        this.report('scan-error', entry.path, entry.message, `scan:${entry.path}:${entry.code}`);
      }
    }
    if (rootFailed) {
      // Vanished between attach and listing: treat it as missing; the baseline comes when it is back.
      await this.detach();
      this.reportMissing('it disappeared while it was being listed');
      return null;
    }
    this.baselineTaken = true;
    this.markBaselineDone();
    return baseline;
  }

  private reportMissing(why: string): void {
    this.report(
      'folder-missing',
      this.path,
      `The watch folder ${this.path} is not available: ${why}. If it is on a network drive, check the connection; Ledgerdrop tries again every ${this.reattachIntervalMs >= 1000 ? `${Math.round(this.reattachIntervalMs / 1000)} s` : `${this.reattachIntervalMs} ms`}.`,
      null,
    );
  }

  private scheduleHealthCheck(): void {
    if (this.stopped) return;
    this.healthTimer = setTimeout(() => {
      this.healthTimer = null;
      void this.checkFolder().finally(() => this.scheduleHealthCheck());
    }, this.reattachIntervalMs);
  }

  /** Is the folder still there (and the same one)? Re-attaches it when it is back. One at a time. */
  private checkFolder(): Promise<void> {
    this.checking ??= this.doCheckFolder().finally(() => (this.checking = null));
    return this.checking;
  }

  private async doCheckFolder(): Promise<void> {
    if (this.stopped || !this.running) return;
    const info = await stat(this.path, { bigint: true }).catch(() => null);
    if (this.stopped) return;
    const present = info !== null && info.isDirectory();
    if (this.folderKey !== null) {
      if (present && (!this.identityReliable || folderKey(info) === this.folderKey)) return;
      await this.detach();
      this.reportMissing(present ? 'another folder (or drive) took its place' : info === null ? 'it was removed or the drive was disconnected' : 'it is not a folder any more');
      if (!present) return;
    } else if (!present) {
      return;
    }
    if (!(await this.attach())) return;
    this.report('folder-back', this.path, `The watch folder ${this.path} is available again; watching resumed.`, null);
    if (!this.baselineTaken) {
      const baseline = await this.takeBaseline();
      if (baseline !== null) this.safely(() => this.onBaseline?.(baseline));
      return;
    }
    // A rescan that started while the folder was gone has nothing to show: list it afresh.
    if (this.rescanning) await this.rescanning;
    await this.rescan();
  }

  // -------------------------------------------------------------------------------------------
  // Rescans

  private scheduleRescan(): void {
    if (this.stopped || this.rescanIntervalMs <= 0) return;
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = null;
      void this.rescan().finally(() => this.scheduleRescan());
    }, this.rescanIntervalMs);
  }

  /** Lists the folder and checks every file not handed over before with its current size + mtime. */
  rescan(): Promise<void> {
    this.rescanning ??= this.doRescan().finally(() => (this.rescanning = null));
    return this.rescanning;
  }

  private async doRescan(): Promise<void> {
    if (this.stopped || this.folderKey === null || !this.baselineTaken) return;
    const present = new Set<string>();
    let complete = true;
    for await (const entry of scanFolder(this.path, { maxDepth: this.depth, signal: this.stopController.signal })) {
      if (entry.kind === 'file') {
        present.add(entry.path);
        if (this.delivered.get(entry.path) !== signatureOf(entry.size, entry.mtimeMs)) this.schedule(entry.path, 'rescan');
      } else {
        complete = false;
        if (entry.path === this.path) void this.checkFolder();
        else this.report('scan-error', entry.path, entry.message, `scan:${entry.path}:${entry.code}`);
      }
    }
    // Forget files that are gone, so the map stays as large as the folder. Not after an incomplete
    // listing, nor when the folder looks empty: an unmounted share (Linux mount point) or a
    // half-connected drive shows an empty folder, and forgetting would hand everything over again.
    if (!complete || this.stopped || present.size === 0) return;
    for (const file of this.delivered.keys()) {
      if (!present.has(file) && !this.pending.has(file)) this.delivered.delete(file);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Files

  private onEvent(file: string): void {
    this.schedule(path.resolve(file), 'event');
  }

  /**
   * Moved out or deleted: forget it, so moving it back in hands it over again — but only once the
   * folder itself is known to be still there. When a share disconnects, polling reports every file
   * as unlinked; forgetting them would hand the whole share over again when it comes back.
   */
  private onUnlink(file: string): void {
    this.unlinked.add(path.resolve(file));
    const folder = this.folderKey;
    void this.checkFolder().then(() => {
      const batch = [...this.unlinked];
      this.unlinked.clear();
      if (folder === null || this.folderKey !== folder) return;
      for (const gone of batch) this.delivered.delete(gone);
    });
  }

  private schedule(file: string, trigger: WatchedFile['trigger']): void {
    if (this.stopped || isIgnoredPath(this.path, file)) return;
    const existing = this.pending.get(file);
    if (existing) {
      if (existing.phase === 'delivering') {
        existing.again = true;
      } else if (trigger === 'event' && !this.polling) {
        // It changed again: restart its wait (the aborted wait loops with the new controller).
        // Not when polling: chokidar's poll sees a change up to pollIntervalMs late, after our own
        // stat polling (every readyPollMs) has already restarted the stability window for it.
        existing.trigger = 'event';
        existing.controller.abort();
        existing.controller = new AbortController();
      }
      return;
    }
    const pending: Pending = { controller: new AbortController(), phase: 'waiting', again: false, trigger };
    this.pending.set(file, pending);
    const run = this.run(file, pending).finally(() => {
      this.runs.delete(run);
      if (this.pending.get(file) === pending) this.pending.delete(file);
    });
    this.runs.add(run);
  }

  private async waitReady(file: string, pending: Pending): Promise<Readiness | null> {
    for (;;) {
      const result = await waitUntilReady(file, {
        stableMs: this.stableMs,
        pollMs: this.readyPollMs,
        timeoutMs: this.readyTimeoutMs,
        checkOpenWriters: this.checkOpenWriters,
        signal: pending.controller.signal,
      });
      if (this.stopped) return null;
      if (result.ready || result.reason !== 'aborted') return result;
      // Aborted by a newer event for this path: wait again from scratch.
    }
  }

  private async run(file: string, pending: Pending): Promise<void> {
    for (;;) {
      const result = await this.waitReady(file, pending);
      if (result === null) return;
      if (!result.ready) {
        this.notReady(file, result);
        return;
      }
      // From here on a new event for this path means "check again afterwards".
      pending.phase = 'delivering';
      await this.baselineDone;
      const signature = signatureOf(result.size, result.mtimeMs);
      if (!this.stopped && this.delivered.get(file) !== signature) {
        if (!(await this.slots.acquire())) return;
        try {
          if (this.stopped) return;
          this.delivered.set(file, signature);
          this.clearReports(file);
          await this.onFile(file, { size: result.size, mtimeMs: result.mtimeMs, trigger: pending.trigger });
        } catch (error) {
          if (this.delivered.get(file) === signature) this.delivered.delete(file);
          this.report('on-file-failed', file, `Picking up ${file} failed: ${errorText(error)}. It is tried again at the next rescan.`, `on-file:${file}:${errorText(error)}`);
        } finally {
          this.slots.release();
        }
      }
      if (!pending.again || this.stopped) return;
      pending.again = false;
      pending.phase = 'waiting';
      pending.trigger = 'event';
      pending.controller = new AbortController();
    }
  }

  private notReady(file: string, result: Extract<Readiness, { ready: false }>): void {
    switch (result.reason) {
      case 'timeout':
        this.report(
          'not-ready',
          file,
          `${file} is not picked up yet: after ${Math.round(this.readyTimeoutMs / 1000)} s ${result.detail ?? 'it is still changing'}. It is tried again at the next rescan.`,
          `not-ready:${file}`,
        );
        break;
      case 'unreadable':
        this.report('unreadable', file, `Cannot read ${file}: permission denied (${result.detail ?? 'EACCES'}). Give Ledgerdrop's user read access to it.`, `unreadable:${file}`);
        break;
      default:
        // vanished (renamed away, deleted), empty, a folder, a temp name, aborted: nothing to say.
        break;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reporting

  /**
   * Calls onError, at most once per `key` every minute (key null: always). The user sees a problem
   * once, not at every rescan.
   */
  private report(code: WatchProblemCode, where: string, message: string, key: string | null): void {
    if (this.stopped) return;
    if (key !== null) {
      const now = performance.now();
      const last = this.reported.get(key);
      if (last !== undefined && now - last < REPORT_EVERY_MS) return;
      this.reported.set(key, now);
      if (this.reported.size > 10_000) this.reported.clear();
    }
    this.safely(() => this.onErrorCallback({ code, message, path: where }));
  }

  private clearReports(file: string): void {
    for (const key of [`not-ready:${file}`, `unreadable:${file}`]) this.reported.delete(key);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // A callback that throws must not stop the watcher.
    }
  }
}
