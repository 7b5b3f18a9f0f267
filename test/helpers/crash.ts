/**
 * Crash and fault testing at the real boundary: the `ledgerdrop` command in a child process,
 * SIGKILLed (or its world changed) at a chosen moment — a delay after the spawn, or after an observed
 * point of progress in its database; the seeded randomness that picks those moments (the printed seed
 * replays the same moments); and checks on what was left behind (files, SQLite). Documents to feed
 * it come from documents.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, REPO_ROOT } from './cli.ts';
import { registerExitCleanup } from './process.ts';

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The seed for this run: `LEDGERDROP_CRASH_SEED` when set (to replay a failure), else a fresh one.
 * Printed either way, with the command that replays it.
 */
export function crashSeed(label: string): number {
  const given = process.env.LEDGERDROP_CRASH_SEED;
  const seed = given && /^\d+$/.test(given) ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32) >>> 0;
  console.log(`${label}: crash seed ${seed}${given ? ' (from LEDGERDROP_CRASH_SEED)' : ''} — replay with LEDGERDROP_CRASH_SEED=${seed}`);
  return seed;
}

/** A whole number of milliseconds in [min, max]. */
export function randomDelay(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}

export interface KillOutcome {
  /** True when the SIGKILL hit a running process; false when it had already exited by itself. */
  killed: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `ledgerdrop ARGS` and SIGKILLs it `delayMs` after the spawn — or, with `after`, `delayMs`
 * after `after()` first returns true (polled every 2 ms, e.g. "the import has taken in 57
 * documents") — unless it has exited by then. Resolves once the process is gone. The child is also
 * killed if the test process exits first.
 */
export function runAndKill(args: readonly string[], delayMs: number, options: { env?: NodeJS.ProcessEnv; after?: () => boolean } = {}): Promise<KillOutcome> {
  return runAndAct(args, delayMs, (child) => child.kill('SIGKILL'), options);
}

/**
 * Like runAndKill, but does `action` to the running process's world instead (e.g. unplug its
 * destination) and lets it run to its end; `killed` is then always false.
 */
export function runAndAct(
  args: readonly string[],
  delayMs: number,
  action: (child: ChildProcess) => boolean | void,
  options: { env?: NodeJS.ProcessEnv; after?: () => boolean } = {},
): Promise<KillOutcome & { acted: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const running = () => child.exitCode === null && child.signalCode === null;
    const unregister = registerExitCleanup(() => {
      if (running()) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    let acted = false;
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const act = () => {
      if (!running()) return;
      acted = true;
      killed = action(child) === true;
    };
    const poll = () => {
      if (running()) timer = options.after!() ? setTimeout(act, delayMs) : setTimeout(poll, 2);
    };
    if (options.after === undefined) timer = setTimeout(act, delayMs);
    else poll();
    child.on('error', (error) => {
      clearTimeout(timer);
      unregister();
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      unregister();
      resolve({ acted, killed: killed && signal === 'SIGKILL', code, signal, stdout, stderr });
    });
  });
}

/**
 * A read-only look at a data folder's database while an engine writes it (WAL readers never block
 * the writer): `count(sql)` runs a `SELECT count(*) …`; 0 while the database does not exist yet.
 */
export function databaseObserver(dbPath: string): { count(sql: string): number; close(): void } {
  let db: Database.Database | null = null;
  return {
    count(sql) {
      try {
        db ??= new Database(dbPath, { readonly: true, fileMustExist: true });
        return db.prepare(sql).pluck().get() as number;
      } catch {
        return 0;
      }
    },
    close() {
      db?.close();
      db = null;
    },
  };
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Every regular file under `dir` (hidden ones included), as paths relative to `dir` with `/`, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** `PRAGMA integrity_check` of a database no process is using any more: 'ok' or the problems found. */
export function integrityCheck(dbPath: string): string {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('\n');
  } finally {
    db.close();
  }
}

/** Runs one read-only query on a database no process is using any more. */
export function queryDb<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { fileMustExist: true, readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** SHA-256 of a file on disk. */
export function sha256File(path: string): string {
  return sha256(readFileSync(path));
}

// ---------------------------------------------------------------------------------------------
// Fixtures: distinct documents Ledgerdrop takes in and delivers without holding them for review

export { codaStatement, INVOICE_ISSUER, salesInvoice } from './documents.ts';
