import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusDir } from '../helpers/corpus.ts';
import { runLedgerdrop } from '../helpers/cli.ts';
import { tempDirs } from '../helpers/temp.ts';

const temp = tempDirs();
afterEach(() => temp.cleanup());
const corpus = corpusDir();
if (!corpus) console.warn('Corpus folder absent (LEDGERDROP_CORPUS or ../shared/corpus): the pipeline scenario test is skipped.');

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** n distinct, valid UBL.BE invoices issued by the client (supplier BE0000000196): sales documents. */
function invoices(n: number, prefix: string): Map<string, Buffer> {
  const base = readFileSync(join(corpus!, 'efff/ublbe131_UBLBE_BE0000000196_V01-15000001.xml'), 'utf8');
  const out = new Map<string, Buffer>();
  for (let i = 1; i <= n; i += 1) {
    const number = `${prefix}-${String(i).padStart(3, '0')}`;
    out.set(`${number}.xml`, Buffer.from(base.replace('<cbc:ID>V01/15000001</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`)));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('apply → drop → run --once (issue scenario)', () => {
  it.skipIf(!corpus)('delivers exactly the 52 documents that arrived after activation, named by the template, and nothing on the second run', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const target = join(root, 'import');
    const watch = join(root, 'acme');
    const staging = join(root, 'staging');
    for (const d of [target, watch, staging]) mkdirSync(d);

    // 10 documents were in the folder before the client was activated: the baseline.
    for (const [name, bytes] of invoices(10, 'OLD')) writeFileSync(join(watch, name), bytes);

    const config = {
      connections: [{ id: 'office-folder', service: 'local-folder', name: 'Import folder', families: ['invoices', 'statements'], settings: { path: target, pathTemplate: '[accounting_file_id]/[family]/[original_name]' } }],
      clients: [{ id: 'acme', name: 'ACME BV', identifiers: ['BE0000000196'], accountingFileId: 'ACME01', share: true, connection: 'office-folder', activate: ['invoices', 'statements'], watchFolders: [{ path: watch }], fields: {} }],
    };
    writeFileSync(join(root, 'config.json'), JSON.stringify(config));
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'config.json')])).code).toBe(0);

    // 50 new invoices and 2 CODA statements, copied in by another process.
    const fresh = invoices(50, 'NEW');
    for (const [name, bytes] of fresh) writeFileSync(join(staging, name), bytes);
    for (const coda of ['phpcoda_sample8.cod', 'phpcoda_sample10.cod']) fresh.set(coda, readFileSync(join(corpus!, 'coda', coda)));
    execFileSync('sh', ['-c', `cp "${staging}"/*.xml "${join(corpus!, 'coda/phpcoda_sample8.cod')}" "${join(corpus!, 'coda/phpcoda_sample10.cod')}" "${watch}/"`]);

    const first = await runLedgerdrop(['--home', home, 'run', '--once', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const outcome = JSON.parse(first.stdout) as { scanned: { added: number; baseline: number }; delivered: { done: number; waiting: number; failed: number } };
    expect(outcome.scanned).toMatchObject({ added: 52, baseline: 10 });
    expect(outcome.delivered).toEqual({ done: 52, waiting: 0, failed: 0 });

    const delivered = filesUnder(target);
    expect(delivered).toHaveLength(52);
    for (const [name, bytes] of fresh) {
      const family = name.endsWith('.cod') ? 'statements' : 'invoices';
      const path = join(target, 'ACME01', family, name);
      expect(sha(readFileSync(path)), name).toBe(sha(bytes));
    }
    expect(delivered.some((p) => p.includes('OLD-'))).toBe(false);
    expect(delivered.some((p) => p.endsWith('.partial'))).toBe(false);

    const second = await runLedgerdrop(['--home', home, 'run', '--once', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ scanned: { added: 0, baseline: 10 }, delivered: { done: 0, waiting: 0, failed: 0 } });
    expect(filesUnder(target)).toHaveLength(52);
    // Originals are untouched.
    expect(readdirSync(watch)).toHaveLength(62);
  });

  it.skipIf(!corpus)('does not read again the watched files it took in, unless they changed (size or time) or left and came back', async () => {
    const root = temp.make();
    const home = join(root, 'home');
    const target = join(root, 'import');
    const watch = join(root, 'acme');
    for (const d of [target, watch]) mkdirSync(d);
    const config = {
      connections: [{ id: 'office-folder', service: 'local-folder', name: 'Import folder', families: ['invoices', 'statements'], settings: { path: target, pathTemplate: '[original_name]' } }],
      clients: [{ id: 'acme', name: 'ACME BV', identifiers: ['BE0000000196'], connection: 'office-folder', activate: ['invoices', 'statements'], watchFolders: [{ path: watch }] }],
    };
    writeFileSync(join(root, 'config.json'), JSON.stringify(config));
    expect((await runLedgerdrop(['--home', home, 'config', 'apply', join(root, 'config.json')])).code).toBe(0);
    const docs = [...invoices(3, 'SEEN').values()];
    const file = join(watch, 'a.xml');
    writeFileSync(file, docs[0]!);
    // Whole seconds: utimes takes seconds as a float, so a time with milliseconds may come back 1 ms off.
    const when = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(file, when, when);
    const run = async () => JSON.parse((await runLedgerdrop(['--home', home, 'run', '--once', '--json'])).stdout) as { scanned: { added: number; duplicates: number }; delivered: { done: number } };
    expect((await run()).scanned).toMatchObject({ added: 1, duplicates: 0 });

    // Other bytes of the same length, with the same time: the scan trusts the stamp and does not
    // read the file again (this is what spares reading a folder of thousands at every start).
    expect(docs[1]!.length).toBe(docs[0]!.length);
    writeFileSync(file, docs[1]!);
    utimesSync(file, when, when);
    expect((await run()).scanned).toMatchObject({ added: 0, duplicates: 1 });

    // Touched (another time): read again, and it is a new document.
    utimesSync(file, when, new Date(when.getTime() + 5000));
    expect(await run()).toMatchObject({ scanned: { added: 1 }, delivered: { done: 1 } });

    // Gone, and back later with another content but the old stamp: forgotten meanwhile, so read.
    rmSync(file);
    expect((await run()).scanned).toMatchObject({ added: 0, duplicates: 0 });
    writeFileSync(file, docs[2]!);
    utimesSync(file, when, when);
    expect((await run()).scanned).toMatchObject({ added: 1, duplicates: 0 });
  });
});
