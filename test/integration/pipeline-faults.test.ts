/**
 * What a real destination does to a delivery run, through the `ledgerdrop` command (child processes,
 * real files, no mocks): a full disk, a folder that disappears between runs, a folder Ledgerdrop may
 * not write in, two agents started on one data folder at once, and the same file arriving twice.
 *
 * Root tricks (the suite usually runs as root, who may write anywhere):
 * - "may not write": the CLI runs under `setpriv --bounding-set -dac_override,-dac_read_search`
 *   (test/helpers/cli.ts `withoutRootPowers`), so file modes apply to it;
 * - full disk and read-only drive: small tmpfs mounts; where this machine does not allow mounting
 *   those cases are skipped with a warning.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop, type CliResult } from '../helpers/cli.ts';
import { codaStatement, databaseObserver, filesUnder, integrityCheck, queryDb, runAndAct, sha256 } from '../helpers/crash.ts';
import { tempDirs } from '../helpers/temp.ts';
import { mountTmpfs, remount, tmpfsProblem, unmountAll } from '../helpers/tmpfs.ts';

const temp = tempDirs('ledgerdrop-faults-');

// ---------------------------------------------------------------------------------------------
// tmpfs mounts, when the machine allows them

const mountProblem = tmpfsProblem();
if (mountProblem !== null) console.warn(`pipeline-faults: skipping the full-disk and read-only-drive cases: this machine does not allow tmpfs mounts (${mountProblem}).`);

afterEach(() => {
  unmountAll(); // before the temp folders they are mounted on are removed
  temp.cleanup();
});

// ---------------------------------------------------------------------------------------------
// A data folder set up through `config apply`

interface ClientSpec {
  id: string;
  accountingFileId: string;
  subfolder?: string;
  watch?: string;
}

interface Setup {
  root: string;
  home: string;
  dest: string;
  db: string;
  cli(...args: string[]): Promise<CliResult>;
  /** Writes CODA statements `numbers` to a folder and imports them for `client`; returns name → bytes. */
  add(client: string, numbers: readonly number[], movements?: number): Promise<Map<string, Buffer>>;
  status(): Promise<Status>;
}

interface Status {
  outbox: {
    deliveries: Record<'queued' | 'running' | 'done' | 'waiting' | 'failed' | 'cancelled', number>;
    problems: { deliveryId: number; document: string; client: string; state: string; message: string | null }[];
  };
}

/** One local-folder connection (template `[accounting_file_id]/[family]/[original_name]`) and clients activated for statements. */
async function setup(options: { dest?: string; clients?: ClientSpec[] } = {}): Promise<Setup> {
  const root = temp.make();
  const home = join(root, 'home');
  const dest = options.dest ?? join(root, 'dest');
  mkdirSync(dest, { recursive: true });
  const clients = options.clients ?? [{ id: 'acme', accountingFileId: 'ACME01' }];
  const config = {
    connections: [{ id: 'office', service: 'local-folder', name: 'Office import folder', families: ['invoices', 'statements'], settings: { path: dest, pathTemplate: '[accounting_file_id]/[family]/[original_name]' } }],
    clients: clients.map((c) => ({
      id: c.id,
      name: c.id.toUpperCase(),
      accountingFileId: c.accountingFileId,
      connection: 'office',
      activate: ['statements'],
      fields: c.subfolder ? { subfolder: c.subfolder } : {},
      watchFolders: c.watch ? [{ path: c.watch }] : [],
    })),
  };
  writeFileSync(join(root, 'config.json'), JSON.stringify(config));
  const cli = (...args: string[]) => runLedgerdrop(['--home', home, ...args], { timeoutMs: 60_000 });
  const applied = await cli('config', 'apply', join(root, 'config.json'));
  expect(applied.code, applied.stderr).toBe(0);
  let batch = 0;
  return {
    root,
    home,
    dest,
    db: join(home, 'ledgerdrop.db'),
    cli,
    async add(client, numbers, movements) {
      const dir = join(root, 'incoming', `${client}-${(batch += 1)}`);
      mkdirSync(dir, { recursive: true });
      const files = new Map<string, Buffer>();
      for (const n of numbers) {
        const name = `statement-${String(n).padStart(3, '0')}.cod`;
        files.set(name, codaStatement(n, movements));
        writeFileSync(join(dir, name), files.get(name)!);
      }
      const result = await cli('import', dir, '--client', client, '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ added: numbers.length, queued: numbers.length });
      return files;
    },
    async status() {
      const result = await cli('status', '--json');
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Status;
    },
  };
}

function runJson(result: CliResult): { delivered: { done: number; waiting: number; failed: number } } {
  return JSON.parse(result.stdout) as { delivered: { done: number; waiting: number; failed: number } };
}

/** The error code the outbox recorded for each delivery that is not done, by document name. */
function errorCodes(db: string): Record<string, string | null> {
  const rows = queryDb<{ name: string; code: string | null }>(db, "SELECT d.original_name AS name, v.last_error_code AS code FROM deliveries v JOIN documents d ON d.id = v.document_id WHERE v.state <> 'done'");
  return Object.fromEntries(rows.map((r) => [r.name, r.code]));
}

/** `folder` holds exactly these files (by name), each once with its bytes, and nothing else: no partial, no numbered copy. */
function expectExactly(folder: string, files: ReadonlyMap<string, Buffer>): void {
  expect(filesUnder(folder)).toEqual([...files.keys()].sort());
  for (const [name, bytes] of files) expect(sha256(readFileSync(join(folder, name))), name).toBe(sha256(bytes));
}

const merge = (...maps: ReadonlyMap<string, Buffer>[]) => new Map(maps.flatMap((m) => [...m]));

// ---------------------------------------------------------------------------------------------

describe('delivery faults at the real boundary', () => {
  it.skipIf(mountProblem !== null)('a full destination disk: the delivery waits with "disk is full", leaves no partial, the engine delivers the rest; after room is made, retry delivers it once', { timeout: 90_000 }, async () => {
    const root = temp.make();
    const full = join(root, 'small-disk');
    mkdirSync(full);
    mountTmpfs(full, 'size=256k');
    const elsewhere = join(root, 'big-disk');
    mkdirSync(elsewhere);
    // acme delivers onto the small disk; globex (absolute subfolder) onto another one.
    const s = await setup({ dest: full, clients: [{ id: 'acme', accountingFileId: 'ACME01' }, { id: 'globex', accountingFileId: 'GLOBEX01', subfolder: elsewhere }] });

    // One statement delivered while there is room: the client's folders exist.
    const first = await s.add('acme', [1]);
    expect((await s.cli('run', '--once')).code).toBe(0);

    // Fill the disk to the last byte.
    const filler = join(full, 'filler.bin');
    let free = statfsSync(full).bavail * statfsSync(full).bsize;
    writeFileSync(filler, Buffer.alloc(free));
    free = statfsSync(full).bavail * statfsSync(full).bsize;
    expect(free).toBe(0);

    const big = await s.add('acme', [2], 40); // ~10 KB
    const others = await s.add('globex', [3, 4, 5, 6, 7]);
    const run = await s.cli('run', '--once', '--json');
    expect(run.code, run.stderr).toBe(3);
    expect(runJson(run).delivered).toEqual({ done: 5, waiting: 1, failed: 0 });

    const status = await s.status();
    expect(status.outbox.deliveries).toMatchObject({ done: 6, waiting: 1, failed: 0, queued: 0, running: 0 });
    expect(status.outbox.problems).toEqual([expect.objectContaining({ document: 'statement-002.cod', client: 'acme', state: 'waiting', message: expect.stringMatching(/disk is full.*Free some space there; Ledgerdrop will try again by itself\./) })]);
    expect(errorCodes(s.db)).toEqual({ 'statement-002.cod': 'disk-full' });
    // Nothing half-written on the full disk; the other client's documents went out.
    expect(filesUnder(full)).toEqual(['ACME01/statements/statement-001.cod', 'filler.bin']);
    expectExactly(join(elsewhere, 'GLOBEX01', 'statements'), others);

    // Room again: retry, deliver once.
    rmSync(filler);
    remount(full, 'size=1m');
    expect((await s.cli('retry')).stdout).toBe('1 deliveries will be tried again at the next run.\n');
    const again = await s.cli('run', '--once', '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(runJson(again).delivered).toEqual({ done: 1, waiting: 0, failed: 0 });
    expectExactly(join(full, 'ACME01', 'statements'), merge(first, big));
    expect((await s.cli('run', '--once', '--json')).code).toBe(0);
    expectExactly(join(full, 'ACME01', 'statements'), merge(first, big));
    expect((await s.status()).outbox.deliveries).toMatchObject({ done: 7, waiting: 0, failed: 0 });
  });

  it('a destination folder removed between runs: the rest wait with destination-missing, nothing is recreated; restored, retry delivers all exactly once', { timeout: 90_000 }, async () => {
    const s = await setup();
    const before = await s.add('acme', [1, 2, 3]);
    const run1 = await s.cli('run', '--once', '--json');
    expect(run1.code, run1.stderr).toBe(0);
    expect(runJson(run1).delivered).toEqual({ done: 3, waiting: 0, failed: 0 });

    const after = await s.add('acme', [4, 5, 6, 7]);
    const away = `${s.dest}-unplugged`;
    renameSync(s.dest, away); // the share is gone (unplugged, unmounted, moved)
    const run2 = await s.cli('run', '--once', '--json');
    expect(run2.code, run2.stderr).toBe(3);
    expect(runJson(run2).delivered).toEqual({ done: 0, waiting: 4, failed: 0 });
    expect(existsSync(s.dest), 'the destination folder was recreated').toBe(false);
    expect(errorCodes(s.db)).toEqual(Object.fromEntries([...after.keys()].map((name) => [name, 'destination-missing'])));
    const status = await s.status();
    expect(status.outbox.deliveries).toMatchObject({ done: 3, waiting: 4, failed: 0 });
    for (const p of status.outbox.problems) expect(p.message).toMatch(/is not there\. If it is on a network share or an external drive, reconnect it/);

    // Still gone at the next run: still nothing written there.
    expect((await s.cli('run', '--once')).code).toBe(3);
    expect(existsSync(s.dest)).toBe(false);

    renameSync(away, s.dest);
    expect((await s.cli('retry')).stdout).toBe('4 deliveries will be tried again at the next run.\n');
    const run3 = await s.cli('run', '--once', '--json');
    expect(run3.code, run3.stdout + run3.stderr).toBe(0);
    expect(runJson(run3).delivered).toEqual({ done: 4, waiting: 0, failed: 0 });
    expectExactly(join(s.dest, 'ACME01', 'statements'), merge(before, after));
    expect((await s.status()).outbox.deliveries).toMatchObject({ done: 7, waiting: 0, failed: 0, queued: 0 });
  });

  it('a destination folder that disappears during a run: the rest wait, nothing is recreated, no partial comes back with it; restored, retry delivers all exactly once', { timeout: 90_000 }, async () => {
    const s = await setup();
    const files = await s.add('acme', Array.from({ length: 300 }, (_, i) => i + 1));
    const away = `${s.dest}-unplugged`;
    const observer = databaseObserver(s.db);
    let run;
    try {
      // Unplugged once 100 deliveries are done, while others are being written.
      run = await runAndAct(['--home', s.home, 'run', '--once', '--json'], 0, () => renameSync(s.dest, away), { after: () => observer.count("SELECT count(*) FROM deliveries WHERE state = 'done'") >= 100 });
    } finally {
      observer.close();
    }
    expect(run.acted, 'the run ended before the folder was unplugged').toBe(true);
    expect(run.code, run.stderr).toBe(3);
    const delivered = runJson(run).delivered;
    expect(delivered.waiting).toBeGreaterThan(0);
    expect(delivered.done + delivered.waiting, JSON.stringify(queryDb(s.db, "SELECT state, last_error_code, last_error_message FROM deliveries WHERE state NOT IN ('done', 'waiting')"))).toBe(300);
    expect(existsSync(s.dest), 'the destination folder was recreated').toBe(false);
    expect(new Set(Object.values(errorCodes(s.db)))).toEqual(new Set(['destination-missing']));

    renameSync(away, s.dest);
    expect((await s.cli('retry')).stdout).toBe(`${delivered.waiting} deliveries will be tried again at the next run.\n`);
    const again = await s.cli('run', '--once', '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expectExactly(join(s.dest, 'ACME01', 'statements'), files);
    expect((await s.status()).outbox.deliveries).toMatchObject({ done: 300, waiting: 0, failed: 0, queued: 0, running: 0 });
  });

  it('a destination Ledgerdrop may not write in: failed (no retry) with permission denied and what to do; run --once exits 3; once writable, retry delivers', { timeout: 90_000 }, async () => {
    const s = await setup();
    const files = await s.add('acme', [1]);
    chmodSync(s.dest, 0o555);
    const run = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { withoutRootPowers: true, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(3);
    expect(runJson(run).delivered).toEqual({ done: 0, waiting: 0, failed: 1 });
    expect(errorCodes(s.db)).toEqual({ 'statement-001.cod': 'permission-denied' });
    const problem = (await s.status()).outbox.problems;
    expect(problem).toEqual([expect.objectContaining({ state: 'failed', document: 'statement-001.cod' })]);
    expect(problem[0]!.message).toMatch(/^Ledgerdrop is not allowed to write .*statement-001\.cod\. Give the user account that runs Ledgerdrop permission to write in .* \(or choose another folder\), then retry the delivery\.$/);
    expect(filesUnder(s.dest)).toEqual([]);

    // No retry by itself: the next run leaves it failed.
    const next = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { withoutRootPowers: true, timeoutMs: 60_000 });
    expect(next.code).toBe(3);
    expect(runJson(next).delivered).toEqual({ done: 0, waiting: 0, failed: 1 });
    expect(queryDb<{ attempts: number }>(s.db, 'SELECT attempts FROM deliveries')).toEqual([{ attempts: 1 }]);

    chmodSync(s.dest, 0o755);
    expect((await s.cli('retry')).stdout).toBe('1 deliveries will be tried again at the next run.\n');
    const fixed = await runLedgerdrop(['--home', s.home, 'run', '--once', '--json'], { withoutRootPowers: true, timeoutMs: 60_000 });
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expectExactly(join(s.dest, 'ACME01', 'statements'), files);
  });

  it.skipIf(mountProblem !== null)('a read-only drive: failed (no retry) saying the destination is read-only; run --once exits 3', { timeout: 60_000 }, async () => {
    const root = temp.make();
    const drive = join(root, 'drive');
    mkdirSync(drive);
    mountTmpfs(drive, 'size=256k');
    const s = await setup({ dest: drive });
    await s.add('acme', [1]);
    remount(drive, 'ro');
    const run = await s.cli('run', '--once', '--json');
    expect(run.code, run.stderr).toBe(3);
    expect(runJson(run).delivered).toEqual({ done: 0, waiting: 0, failed: 1 });
    expect(errorCodes(s.db)).toEqual({ 'statement-001.cod': 'permission-denied' });
    expect((await s.status()).outbox.problems[0]!.message).toMatch(/is read-only \(a read-only drive or share\)\. Make it writable or choose another folder, then retry the delivery\./);
  });

  it('two `run --once` agents started at once on one data folder: exactly one works, the other exits 1 and does no harm', { timeout: 120_000 }, async () => {
    const s = await setup();
    // Enough work that the first one holds the data folder well past the other's start-up.
    const files = await s.add('acme', Array.from({ length: 400 }, (_, i) => i + 1));
    const [a, b] = await Promise.all([s.cli('run', '--once', '--json'), s.cli('run', '--once', '--json')]);
    const outcomes = [a, b].sort((x, y) => (x.code ?? 99) - (y.code ?? 99));
    const [winner, loser] = outcomes as [CliResult, CliResult];
    expect([winner.code, loser.code], `exit codes ${a.code} and ${b.code}; stderr: ${a.stderr} ${b.stderr}`).toEqual([0, 1]);
    expect(runJson(winner).delivered).toEqual({ done: 400, waiting: 0, failed: 0 });
    expect(loser.stdout).toBe('');
    expect(loser.stderr).toMatch(/^ledgerdrop: Another Ledgerdrop \(process \d+\) is already using the data folder .*\n$/);

    expectExactly(join(s.dest, 'ACME01', 'statements'), files);
    expect((await s.status()).outbox.deliveries).toEqual({ queued: 0, running: 0, done: 400, waiting: 0, failed: 0, cancelled: 0 });
    expect(integrityCheck(s.db)).toBe('ok');
    expect(queryDb<{ n: number }>(s.db, 'SELECT count(*) AS n FROM deliveries WHERE attempts <> 1')[0]!.n).toBe(0);
  });

  it('the same file dropped twice under different names into two clients: one document and one delivery per client', { timeout: 60_000 }, async () => {
    const root = temp.make();
    const acmeWatch = join(root, 'watch-acme');
    const globexWatch = join(root, 'watch-globex');
    mkdirSync(acmeWatch);
    mkdirSync(globexWatch);
    const s = await setup({ clients: [{ id: 'acme', accountingFileId: 'ACME01', watch: acmeWatch }, { id: 'globex', accountingFileId: 'GLOBEX01', watch: globexWatch }] });

    const bytes = codaStatement(42);
    writeFileSync(join(acmeWatch, 'statement-042.cod'), bytes);
    writeFileSync(join(acmeWatch, 'Copy of statement-042.cod'), bytes);
    writeFileSync(join(globexWatch, 'statement-042.cod'), bytes);
    writeFileSync(join(globexWatch, 'bank 2023-03.cod'), bytes);

    const run = await s.cli('run', '--once', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ scanned: { added: 2, duplicates: 2, unreadable: 0 }, delivered: { done: 2, waiting: 0, failed: 0 } });

    // Imported once more, by hand, under yet another name: still a duplicate.
    const copy = join(root, 'yet-another-name.cod');
    writeFileSync(copy, bytes);
    const imported = await s.cli('import', copy, '--client', 'acme', '--json');
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 0, duplicates: 1, queued: 0 });
    const rerun = await s.cli('run', '--once', '--json');
    expect(JSON.parse(rerun.stdout)).toMatchObject({ scanned: { added: 0, duplicates: 4 }, delivered: { done: 0, waiting: 0, failed: 0 } });

    const documents = queryDb<{ client_id: string; sha256: string }>(s.db, 'SELECT client_id, sha256 FROM documents ORDER BY client_id');
    expect(documents).toEqual([
      { client_id: 'acme', sha256: sha256(bytes) },
      { client_id: 'globex', sha256: sha256(bytes) },
    ]);
    expect(queryDb<{ client_id: string; state: string }>(s.db, 'SELECT client_id, state FROM deliveries ORDER BY client_id')).toEqual([
      { client_id: 'acme', state: 'done' },
      { client_id: 'globex', state: 'done' },
    ]);
    const delivered = filesUnder(s.dest);
    expect(delivered).toHaveLength(2);
    expect(delivered.map((f) => f.split('/').slice(0, 2).join('/'))).toEqual(['ACME01/statements', 'GLOBEX01/statements']);
    for (const file of delivered) expect(sha256(readFileSync(join(s.dest, file)))).toBe(sha256(bytes));
  });
});
