/**
 * The delivery pipeline as the engine exposes it: intake (import, watch-folder scans), the outbox,
 * and what the UI and CLI read back (status, activity).
 */
import { statSync } from 'node:fs';
import { link, mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import type { ActivityEntry, EngineSettings, IntakeReport, OutboxStatus } from '../../shared/contract.ts';
import { EngineError } from '../engine/errors.ts';
import { forgetGone, inBaseline, markTaken, snapshotBaseline, stampsOf, wasTaken, type FileStamp } from '../intake/baseline.ts';
import { commitBatched, commitNormal } from '../store/group-commit.ts';
import { ContentStore } from '../intake/content-store.ts';
import { intakeBytes, intakeFile, type IntakeContext, type IntakeOutcome } from '../intake/import.ts';
import { IntakeWorkers } from '../intake/intake-workers.ts';
import type { SyncSource } from '../intake/sync-source.ts';
import { cancel, pause, pausedUntil, resume, retry } from '../outbox/controls.ts';
import { deliverDue, recoverInterrupted, type RunSummary } from '../outbox/outbox.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Db } from '../store/database.ts';
import { inParallel } from '../engine/in-parallel.ts';

export interface PipelineOptions {
  db: Db;
  home: string;
  secrets: SecretStore;
  settings: () => EngineSettings;
  now?: () => Date;
  onDocument?: IntakeContext['onDocument'];
  onDelivery?: (event: { deliveryId: number; state: string; message: string | null }) => void;
  onProgress?: (event: { kind: 'import' | 'delivery'; done: number; total: number }) => void;
  onConnectionStatus?: (event: { connectionId: string; status: 'connected' | 'needs-sign-in' | 'error'; message: string | null }) => void;
  onDeliveryProgress?: (event: { deliveryId: number; bytesSent: number; bytesTotal: number }) => void;
}

/** `known`: watched files skipped because they were taken in before, exactly as they are now. */
function report(files: IntakeOutcome[], baseline = 0, known = 0): IntakeReport {
  const flat = files.flatMap((f) => (f.members ? [f, ...f.members] : [f]));
  return {
    files,
    added: flat.filter((f) => f.outcome === 'added').length,
    duplicates: flat.filter((f) => f.outcome === 'duplicate').length + known,
    unreadable: flat.filter((f) => f.outcome === 'unreadable').length,
    queued: files.reduce((n, f) => n + f.queued, 0),
    baseline,
  };
}

export interface WatchFolderRow {
  id: number;
  client_id: string;
  path: string;
  move_processed: number;
}

/** Moves a file to `<folder>/<sub>/<its path below folder>`, as `name (2).ext` if the name is taken. */
async function moveAside(folder: string, file: string, sub: 'processed' | 'failed'): Promise<boolean> {
  const target = join(folder, sub, relative(folder, file));
  await mkdir(dirname(target), { recursive: true });
  const ext = extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 1; n <= 1000; n += 1) {
    const candidate = n === 1 ? target : `${stem} (${n})${ext}`;
    try {
      await link(file, candidate); // never replaces an existing file
      await unlink(file);
      return true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EEXIST') continue;
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') {
        try {
          await rename(file, candidate);
          return true;
        } catch {
          return false;
        }
      }
      return false;
    }
  }
  return false;
}

/**
 * Files taken in at once by an import or a scan: enough that understanding (in its worker thread),
 * the content store's disk syncs and the group commit overlap, few enough to bound memory.
 */
const INTAKE_CONCURRENCY = 8;


export class Pipeline {
  private readonly options: PipelineOptions;
  private readonly store: ContentStore;
  private readonly workers = new IntakeWorkers();
  private readonly now: () => Date;

  constructor(options: PipelineOptions) {
    this.options = options;
    this.store = new ContentStore(options.home);
    this.now = options.now ?? (() => new Date());
    recoverInterrupted(options.db, this.now());
  }

  private get intake(): IntakeContext {
    const ctx: IntakeContext = { db: this.options.db, store: this.store, settings: this.options.settings, now: this.now, workers: this.workers };
    if (this.options.onDocument) ctx.onDocument = this.options.onDocument;
    return ctx;
  }

  /** Takes in files and whole folders (recursively) for a client, as an explicit import. */
  async importPaths(clientId: string, paths: readonly string[]): Promise<IntakeReport> {
    if (!this.options.db.prepare('SELECT 1 FROM clients WHERE id = ?').get(clientId)) {
      throw new EngineError('invalid-input', `There is no client "${clientId}".`, { fix: 'See `ledgerdrop clients` for the ids.' });
    }
    const files: IntakeOutcome[] = [];
    const targets: string[] = [];
    for (const path of paths) {
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        files.push({ name: path, outcome: 'unreadable', documentId: null, waiting: 'it does not exist', queued: 0 });
        continue;
      }
      targets.push(...(isDir ? (await stampsOf(path)).map((f) => f.path) : [path]));
    }
    let done = 0;
    files.push(
      ...(await inParallel(targets, INTAKE_CONCURRENCY, async (file) => {
        const outcome = await intakeFile(this.intake, { clientId, path: file, source: 'import' });
        done += 1;
        if (targets.length > 1) this.options.onProgress?.({ kind: 'import', done, total: targets.length });
        return outcome;
      })),
    );
    return report(files);
  }

  /**
   * Scans every watch folder once. A folder seen for the first time gets its baseline (what it holds
   * now is not exported); afterwards every file that is not exactly as in the baseline is taken in.
   */
  async scanWatchFolders(): Promise<IntakeReport> {
    const { db } = this.options;
    const folders = db.prepare('SELECT id, client_id, path, baseline_at, move_processed FROM watch_folders ORDER BY id').all() as (WatchFolderRow & { baseline_at: string | null })[];
    const files: IntakeOutcome[] = [];
    let baseline = 0;
    let known = 0;
    for (const folder of folders) {
      if (!folder.baseline_at) {
        const files = await stampsOf(folder.path);
        baseline += db.transaction(() => snapshotBaseline(db, folder.id, folder.path, files, this.now().toISOString()))();
        continue;
      }
      const fresh: FileStamp[] = [];
      const listed = await stampsOf(folder.path);
      for (const file of listed) {
        if (inBaseline(db, folder.id, folder.path, file)) baseline += 1;
        else if (wasTaken(db, folder.id, folder.path, file)) known += 1;
        else fresh.push(file);
      }
      commitNormal(db, () => forgetGone(db, folder.id, folder.path, listed));
      files.push(...(await inParallel(fresh, INTAKE_CONCURRENCY, (file) => this.takeWatched(folder, file))));
    }
    return report(files, baseline, known);
  }

  /** A complete file seen by a watcher: taken in unless it is exactly as in the folder's activation baseline. */
  async intakeWatched(folder: WatchFolderRow, file: FileStamp): Promise<IntakeOutcome | null> {
    if (inBaseline(this.options.db, folder.id, folder.path, file) || wasTaken(this.options.db, folder.id, folder.path, file)) return null;
    return this.takeWatched(folder, file);
  }

  /**
   * Takes in a file from a watch folder. When the folder is set to "move processed files" (off by
   * default), the original then goes to its `processed/` subfolder — or `failed/` when Ledgerdrop
   * could not read it — never over another file; otherwise it is left exactly where it is.
   */
  private async takeWatched(folder: WatchFolderRow, file: FileStamp): Promise<IntakeOutcome> {
    const outcome = await intakeFile(this.intake, { clientId: folder.client_id, path: file.path, source: 'watch', watched: { folderId: folder.id, folder: folder.path, stamp: file } });
    if (outcome.outcome === 'archive') await commitBatched(this.options.db, () => markTaken(this.options.db, folder.id, folder.path, file));
    if (folder.move_processed === 1) {
      const moved = await moveAside(folder.path, file.path, outcome.outcome === 'unreadable' || outcome.understood === false ? 'failed' : 'processed');
      if (!moved) this.options.db.prepare("INSERT INTO activity (at, level, event, client_id, message) VALUES (?, 'warning', 'watch.move-failed', ?, ?)").run(this.now().toISOString(), folder.client_id, `${file.path} could not be moved to its processed folder; it stays where it is.`);
    }
    return outcome;
  }

  /**
   * Pulls what an import sync account has after its stored cursor and takes each item in for its
   * client. The cursor is stored after each item, so a crash repeats at most that item (and content
   * de-duplication makes the repeat harmless).
   */
  async pullSync(source: SyncSource, signal?: AbortSignal): Promise<IntakeReport> {
    const { db } = this.options;
    const key = `sync_cursor:${source.id}`;
    const cursor = (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
    const files: IntakeOutcome[] = [];
    for await (const item of source.pull(cursor, signal)) {
      files.push(await intakeBytes(this.intake, { clientId: item.clientId, bytes: item.bytes, name: item.name, source: 'sync', sourcePath: null }));
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, item.cursor);
    }
    return report(files);
  }

  /** Milliseconds until the earliest waiting delivery is due, or a timed pause ends (Infinity when nothing waits). */
  msUntilNextDue(): number {
    const now = this.now().getTime();
    const next = this.options.db.prepare("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'waiting'").pluck().get() as string | null;
    const paused = pausedUntil(this.options.db, this.now());
    const times = [next ? new Date(next).getTime() - now : Infinity, paused && paused !== 'indefinitely' ? new Date(paused).getTime() - now : Infinity];
    return Math.max(0, Math.min(...times));
  }

  /**
   * Scans the watch folders and delivers what can be delivered now (`run --once`). Deliveries start
   * while the scan is still taking files in, so a large batch is understood and sent at the same
   * time; the last pass starts after the scan, so nothing it queued is left behind.
   */
  async runOnce(): Promise<{ scanned: IntakeReport; delivered: RunSummary }> {
    let scanning = true;
    const scan = this.scanWatchFolders().finally(() => {
      scanning = false;
    });
    const settled = scan.then(
      () => undefined,
      () => undefined,
    );
    let done = 0;
    try {
      while (scanning) {
        done += (await this.deliver()).done;
        if (scanning) await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 50))]);
      }
    } catch (error) {
      await settled; // never leave the scan running unobserved
      throw error;
    }
    const scanned = await scan;
    const last = await this.deliver();
    return { scanned, delivered: { ...last, done: done + last.done } };
  }

  /** "Sync now": take in what is new, make waiting deliveries due now, and deliver. */
  async syncNow(): Promise<{ scanned: IntakeReport; delivered: RunSummary }> {
    const scanned = await this.scanWatchFolders();
    const at = this.now().toISOString();
    this.options.db.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE state = 'waiting'").run(at);
    return { scanned, delivered: await this.deliver() };
  }

  /** Stops the intake workers; the engine calls it when it closes. */
  async close(): Promise<void> {
    await this.workers.close();
  }

  async deliver(): Promise<RunSummary> {
    const ctx: Parameters<typeof deliverDue>[0] = { db: this.options.db, store: this.store, secrets: this.options.secrets, now: this.now };
    if (this.options.onDelivery) ctx.onDelivery = this.options.onDelivery;
    const { onProgress, onConnectionStatus, onDeliveryProgress } = this.options;
    if (onProgress) ctx.onProgress = (e) => onProgress({ kind: 'delivery', ...e });
    if (onConnectionStatus) ctx.onConnectionStatus = onConnectionStatus;
    if (onDeliveryProgress) ctx.onDeliveryProgress = onDeliveryProgress;
    return deliverDue(ctx);
  }

  status(): OutboxStatus {
    const { db } = this.options;
    const deliveries: OutboxStatus['deliveries'] = { queued: 0, running: 0, done: 0, waiting: 0, failed: 0, cancelled: 0 };
    for (const row of db.prepare('SELECT state, count(*) AS n FROM deliveries GROUP BY state').all() as { state: keyof OutboxStatus['deliveries']; n: number }[]) deliveries[row.state] = row.n;
    const heldForReview = db.prepare('SELECT count(*) FROM documents WHERE review_reason IS NOT NULL').pluck().get() as number;
    const problems = (
      db
        .prepare(
          `SELECT v.id, d.original_name, v.client_id, v.connection_id, v.state, v.last_error_message, v.next_attempt_at
           FROM deliveries v JOIN documents d ON d.id = v.document_id WHERE v.state IN ('waiting', 'failed') ORDER BY v.id LIMIT 100`,
        )
        .all() as { id: number; original_name: string; client_id: string; connection_id: string; state: string; last_error_message: string | null; next_attempt_at: string | null }[]
    ).map((r) => ({ deliveryId: r.id, document: r.original_name, client: r.client_id, connection: r.connection_id, state: r.state, message: r.last_error_message, nextAttemptAt: r.next_attempt_at }));
    return { pausedUntil: pausedUntil(db, this.now()), deliveries, heldForReview, problems };
  }

  pause(minutes: number | undefined): { pausedUntil: string } {
    return { pausedUntil: pause(this.options.db, minutes ? new Date(this.now().getTime() + minutes * 60_000) : null, this.now()) };
  }

  resume(): { resumed: boolean } {
    return { resumed: resume(this.options.db, this.now()) };
  }

  retry(deliveryId: number | undefined): { rescheduled: number } {
    const stopped = this.options.db.prepare("SELECT id FROM connections WHERE status = 'error'").pluck().all() as string[];
    const rescheduled = retry(this.options.db, deliveryId ?? null, this.now());
    for (const id of stopped) {
      const status = this.options.db.prepare('SELECT status FROM connections WHERE id = ?').pluck().get(id);
      if (status === 'connected') this.options.onConnectionStatus?.({ connectionId: id, status: 'connected', message: null });
    }
    return { rescheduled };
  }

  cancel(deliveryId: number): { cancelled: boolean } {
    return { cancelled: cancel(this.options.db, deliveryId, this.now()) };
  }

  activity(since: string | undefined, limit: number): ActivityEntry[] {
    const rows = this.options.db
      .prepare(`SELECT id, at, level, event, client_id, connection_id, message FROM activity ${since ? 'WHERE at >= ?' : ''} ORDER BY id DESC LIMIT ?`)
      .all(...(since ? [new Date(since).toISOString(), limit] : [limit])) as { id: number; at: string; level: ActivityEntry['level']; event: string; client_id: string | null; connection_id: string | null; message: string }[];
    return rows.reverse().map((r) => ({ id: r.id, at: r.at, level: r.level, event: r.event, clientId: r.client_id, connectionId: r.connection_id, message: r.message }));
  }
}
