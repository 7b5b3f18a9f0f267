/**
 * The running agent: watches every client's watch folders, takes in what arrives, and keeps the
 * outbox moving — right after new documents, and again when the next waiting delivery is due or a
 * pause ends. The desktop app runs it inside the engine process; `ledgerdrop run` runs it headless.
 */
import { FolderWatcher, type WatchProblem } from '../intake/watcher.ts';
import type { Db } from '../store/database.ts';
import type { Pipeline, WatchFolderRow } from './pipeline.ts';

export interface AgentOptions {
  db: Db;
  pipeline: Pipeline;
  rescanIntervalMs: number;
  /** Readiness window for files written into watch folders (default 2000 ms). */
  stableMs?: number;
  onProblem?: (problem: WatchProblem & { folder: string }) => void;
  /** Longest sleep between two looks at the outbox (default 60 s). */
  maxIdleMs?: number;
}

/**
 * How long a file must stay unchanged before it is taken in. Where the OS tells whether a writer
 * still has the file open (Linux: /proc; Windows: the exclusive open fails), a short window is
 * enough and keeps drops fast; on macOS, and on network drives (polled: writers on other machines
 * are invisible), only the stability window protects against half-written files.
 */
export function defaultStableMs(polling: boolean, platform: NodeJS.Platform = process.platform): number {
  return !polling && (platform === 'linux' || platform === 'win32') ? 300 : 2000;
}

export class Agent {
  private readonly options: AgentOptions;
  private watchers: FolderWatcher[] = [];
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(options: AgentOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { db, pipeline } = this.options;
    const folders = db.prepare('SELECT id, client_id, path, polling, move_processed FROM watch_folders ORDER BY id').all() as (WatchFolderRow & { polling: number })[];
    for (const folder of folders) {
      const watcher = new FolderWatcher({
        path: folder.path,
        polling: folder.polling === 1,
        rescanIntervalMs: this.options.rescanIntervalMs,
        stableMs: this.options.stableMs ?? defaultStableMs(folder.polling === 1),
        onFile: async (path, info) => {
          const outcome = await pipeline.intakeWatched(folder, { path, size: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
          if (outcome?.queued) this.kick();
        },
        onError: (problem) => this.options.onProblem?.({ ...problem, folder: folder.path }),
      });
      this.watchers.push(watcher);
      await watcher.start();
    }
    // Watchers first, then a catch-up scan: what arrived while the agent was not running is taken in
    // (content de-duplication makes a file seen by both harmless).
    await pipeline.scanWatchFolders();
    this.kick();
  }

  /** Looks at the outbox now (coalesced: one pass at a time, another right after if asked meanwhile). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.loop = (async () => {
      try {
        do {
          this.again = false;
          await this.options.pipeline.deliver();
        } while (this.again && !this.stopped);
      } finally {
        this.running = false;
        this.scheduleNext();
      }
    })();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const wait = Math.max(250, Math.min(this.options.maxIdleMs ?? 60_000, this.options.pipeline.msUntilNextDue()));
    this.timer = setTimeout(() => this.kick(), wait);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.watchers.map((w) => w.stop()));
    this.watchers = [];
    await this.loop;
  }
}
