/**
 * Exactly once, even when the process is killed (GUIDE §3), at the real boundary: the `ledgerdrop`
 * command in child processes, SIGKILLed at random moments, a real local folder as destination and
 * the real data folder, checked afterwards from the outside (files, `status --json`, SQLite).
 *
 * The kill moments come from a seeded generator; the seed is printed, and
 * `LEDGERDROP_CRASH_SEED=<seed> npx vitest run test/integration/exactly-once.test.ts` picks the same
 * moments again (delays and progress points; what the process is doing at a given delay still
 * depends on the machine).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLedgerdrop, type CliResult } from '../helpers/cli.ts';
import { codaStatement, crashSeed, databaseObserver, filesUnder, integrityCheck, INVOICE_ISSUER, queryDb, randomDelay, runAndKill, salesInvoice, seededRandom, sha256, sha256File, type KillOutcome } from '../helpers/crash.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs('ledgerdrop-exactly-once-');
afterEach(() => temp.cleanup());

interface Source {
  name: string;
  family: 'invoices' | 'statements';
  bytes: Buffer;
}

/** `count` distinct deliverable documents: `invoices` sales invoices (when the corpus is there), the rest CODA statements. */
function makeDocuments(count: number, invoices: number): Source[] {
  const out: Source[] = [];
  const corpus = salesInvoice('probe') !== null;
  if (!corpus) console.warn('Corpus folder absent: the crash tests use CODA statements only (no UBL.BE invoices).');
  for (let i = 1; corpus && i <= invoices; i += 1) out.push({ name: `INV-${String(i).padStart(4, '0')}.xml`, family: 'invoices', bytes: salesInvoice(`INV-${i}`)! });
  for (let n = 1; out.length < count; n += 1) out.push({ name: `statement-${String(n).padStart(3, '0')}.cod`, family: 'statements', bytes: codaStatement(n) });
  return out;
}

interface Home {
  root: string;
  home: string;
  dest: string;
  db: string;
  cli(...args: string[]): Promise<CliResult>;
}

/** A data folder set up with `config apply`: one local-folder connection, one client activated for both families. */
async function makeHome(): Promise<Home> {
  const root = temp.make();
  const home = join(root, 'home');
  const dest = join(root, 'dest');
  mkdirSync(dest);
  const config = {
    connections: [{ id: 'office-folder', service: 'local-folder', name: 'Import folder', families: ['invoices', 'statements'], settings: { path: dest, pathTemplate: '[accounting_file_id]/[family]/[original_name]' } }],
    clients: [{ id: 'acme', name: 'ACME BV', identifiers: [INVOICE_ISSUER], accountingFileId: 'ACME01', connection: 'office-folder', activate: ['invoices', 'statements'] }],
  };
  writeFileSync(join(root, 'config.json'), JSON.stringify(config));
  const cli = (...args: string[]) => runLedgerdrop(['--home', home, ...args], { timeoutMs: 60_000 });
  const applied = await cli('config', 'apply', join(root, 'config.json'));
  expect(applied.code, applied.stderr).toBe(0);
  return { root, home, dest, db: join(home, 'ledgerdrop.db'), cli };
}

function writeSources(dir: string, docs: readonly Source[]): void {
  mkdirSync(dir, { recursive: true });
  for (const doc of docs) writeFileSync(join(dir, doc.name), doc.bytes);
}

/** Every document in the destination exactly once, byte for byte, and nothing else (no partial, no numbered copy). */
function expectDeliveredExactlyOnce(dest: string, docs: readonly Source[]): void {
  const files = filesUnder(dest);
  expect(files.filter((f) => f.endsWith('.partial')), 'partial files left in the destination').toEqual([]);
  expect(files.filter((f) => /\(\d+\)/.test(f)), 'numbered copies in the destination').toEqual([]);
  const expected = docs.map((d) => `ACME01/${d.family}/${d.name}`).sort();
  expect(files).toEqual(expected);
  const wrong = docs.filter((d) => sha256File(join(dest, 'ACME01', d.family, d.name)) !== sha256(d.bytes)).map((d) => d.name);
  expect(wrong, 'delivered files whose bytes differ from the source').toEqual([]);
}

describe('exactly once when the process is killed', () => {
  it('delivers each of 500 documents exactly once although `run --once` is SIGKILLed 30 times (10 inside deliveries, 20 at a random 20 ms–1.5 s)', { timeout: 150_000 }, async () => {
    const random = seededRandom(crashSeed('run --once kills'));
    const h = await makeHome();
    const docs = makeDocuments(500, 250);
    const src = join(h.root, 'incoming');
    writeSources(src, docs);

    // The generated documents are understood and deliverable (nothing would be held for review).
    const sample = [docs[0]!, docs.at(-1)!].map((d) => join(src, d.name));
    const inspected = await runLedgerdrop(['inspect', '--json', '--client-id', INVOICE_ISSUER, ...sample]);
    expect(inspected.code, inspected.stdout + inspected.stderr).toBe(0);
    for (const line of inspected.stdout.trim().split('\n')) {
      const result = JSON.parse(line) as { kind: string; direction?: string | null; validation?: { valid: boolean } | null; error?: unknown };
      expect(result.error ?? null).toBeNull();
      expect(['invoice', 'bank-statement']).toContain(result.kind);
      if (result.kind === 'invoice') expect(result).toMatchObject({ direction: 'sales', validation: { valid: true } });
    }

    const imported = await h.cli('import', src, '--client', 'acme', '--json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 500, duplicates: 0, unreadable: 0, queued: 500 });

    const run = ['--home', h.home, 'run', '--once', '--json'];
    const observer = databaseObserver(h.db);
    const done = () => observer.count("SELECT count(*) FROM deliveries WHERE state = 'done'");
    const log: string[] = [];
    let midDelivery = 0;
    const record = (label: string, before: number, outcome: KillOutcome) => {
      const after = done();
      if (outcome.killed && after > before && after < 500) midDelivery += 1;
      log.push(`${label}: ${outcome.killed ? 'killed' : `exited ${outcome.code}`}, ${after} done`);
      if (!outcome.killed) expect([0, 3], `run --once exited by itself with ${outcome.code}: ${outcome.stderr}`).toContain(outcome.code);
    };
    try {
      // First 10 kills inside the deliveries, whatever this machine's speed: once a random 1–80 more
      // deliveries are done, plus a random 0–25 ms (i.e. anywhere in an attempt: partial written,
      // linked, not yet recorded …).
      for (let i = 1; i <= 10; i += 1) {
        const before = done();
        const target = Math.min(499, before + 1 + Math.floor(random() * 80));
        const delay = randomDelay(random, 0, 25);
        record(`T${i} ${delay} ms after ${target} done`, before, await runAndKill(run, delay, { after: () => done() >= target }));
      }
      // Then 20 kills at a random moment 20 ms–1.5 s after the start: module loading, recovery,
      // the partial sweep, the deliveries that are left, or after them.
      for (let i = 1; i <= 20; i += 1) {
        const before = done();
        const delay = randomDelay(random, 20, 1500);
        record(`#${i} ${delay} ms`, before, await runAndKill(run, delay));
      }
    } finally {
      observer.close();
    }
    console.log(`run --once kills: ${log.join('; ')} (${midDelivery} of 30 landed while deliveries were under way)`);

    const final = await h.cli('run', '--once', '--json');
    expect(final.code, final.stdout + final.stderr).toBe(0);
    expect(JSON.parse(final.stdout)).toMatchObject({ delivered: { waiting: 0, failed: 0 } });

    expectDeliveredExactlyOnce(h.dest, docs);

    const status = await h.cli('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { outbox: { deliveries: unknown } }).outbox.deliveries).toEqual({ queued: 0, running: 0, done: 500, waiting: 0, failed: 0, cancelled: 0 });

    expect(integrityCheck(h.db)).toBe('ok');
    const recovered = queryDb<{ n: number }>(h.db, "SELECT count(*) AS n FROM activity WHERE event = 'delivery.done' AND message LIKE '%(it was already there)%'")[0]!.n;
    console.log(`run --once kills: ${recovered} deliveries were found already in place after a kill between the write and its record`);
    // One delivery per document, each recorded where the file now is.
    const rows = queryDb<{ name: string; family: string; remote_ref: string }>(h.db, 'SELECT d.original_name AS name, d.family, v.remote_ref FROM deliveries v JOIN documents d ON d.id = v.document_id');
    expect(rows).toHaveLength(500);
    for (const row of rows) expect(row.remote_ref).toBe(join(h.dest, 'ACME01', row.family, row.name));
  });

  it('takes each of 200 documents in exactly once although `import` is SIGKILLed 5 times, and leaves no half-written file in the data folder', { timeout: 120_000 }, async () => {
    const random = seededRandom(crashSeed('import kills'));
    const h = await makeHome();
    // Mostly small statements: more of each document's time is spent writing, where a kill hurts.
    const docs = makeDocuments(200, 20);
    const src = join(h.root, 'incoming');
    writeSources(src, docs);

    // Each kill lands inside the import: once a random number of the documents not yet in are in,
    // plus a random 0–25 ms (a few documents' worth), i.e. anywhere in a document's intake.
    const observer = databaseObserver(h.db);
    const log: string[] = [];
    try {
      for (let i = 1; i <= 5; i += 1) {
        const before = observer.count('SELECT count(*) FROM documents');
        const target = Math.min(199, before + 1 + Math.floor(random() * Math.max(0, 199 - before)));
        const delay = randomDelay(random, 0, 25);
        const outcome = await runAndKill(['--home', h.home, 'import', src, '--client', 'acme', '--json'], delay, { after: () => observer.count('SELECT count(*) FROM documents') >= target });
        const taken = observer.count('SELECT count(*) FROM documents');
        log.push(`#${i} ${delay} ms after ${target} documents: ${outcome.killed ? 'killed' : `exited ${outcome.code}`}, ${taken} documents`);
        if (!outcome.killed) expect(outcome.code, outcome.stderr).toBe(0);
      }
    } finally {
      observer.close();
    }
    console.log(`import kills: ${log.join('; ')}`);

    const again = await h.cli('import', src, '--client', 'acme', '--json');
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { added: number; duplicates: number; unreadable: number };
    expect(report.unreadable).toBe(0);
    expect(report.added + report.duplicates).toBe(200);

    expect(integrityCheck(h.db)).toBe('ok');
    // Each document once, with its bytes' hash.
    const documents = queryDb<{ sha256: string; original_name: string }>(h.db, "SELECT sha256, original_name FROM documents WHERE client_id = 'acme'");
    expect(documents).toHaveLength(200);
    expect(new Set(documents.map((d) => d.sha256))).toEqual(new Set(docs.map((d) => sha256(d.bytes))));
    // Each document queued for delivery once: a kill must not leave a document without its delivery.
    const perDocument = queryDb<{ n: number }>(h.db, 'SELECT count(v.id) AS n FROM documents d LEFT JOIN deliveries v ON v.document_id = d.id GROUP BY d.id');
    expect(perDocument.filter((r) => r.n !== 1), 'documents without exactly one delivery').toEqual([]);

    // The content store holds exactly the documents' bytes: no temp file, no half-written copy.
    const store = join(h.home, 'documents');
    const stored = filesUnder(store);
    expect(stored.filter((f) => !/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f)), 'stray files in the content store').toEqual([]);
    expect(stored.map((f) => f.split('/')[1]).sort()).toEqual(documents.map((d) => d.sha256).sort());
    const damaged = stored.filter((f) => sha256File(join(store, f)) !== f.split('/')[1]);
    expect(damaged, 'store files whose bytes do not match their name').toEqual([]);

    // And they all go out, once.
    const run = await h.cli('run', '--once', '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: { done: 200, waiting: 0, failed: 0 } });
    expectDeliveredExactlyOnce(h.dest, docs);
    expect(readdirSync(h.dest)).toEqual(['ACME01']);
  });
});
