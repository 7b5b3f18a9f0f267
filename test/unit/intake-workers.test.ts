/**
 * IntakeWorkers: reading, hashing, understanding and storing documents in worker threads gives the
 * same answers as doing it on the main thread, stores durable copies, and survives a hostile file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../src/main/intake/content-store.ts';
import { IntakeWorkers } from '../../src/main/intake/intake-workers.ts';
import { inspectBuffer } from '../../src/main/understanding/inspect.ts';
import { salesInvoice, codaStatement } from '../helpers/documents.ts';
import { tempDirs } from '../helpers/temp.ts';

const sample = salesInvoice('PROBE');
if (!sample) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): IntakeWorkers tests skipped.');
const invoice = (n: string): Buffer => salesInvoice(n)!;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const OOM_WORKER = new URL('../helpers/intake-worker-oom.ts', import.meta.url);

const temp = tempDirs('ledgerdrop-workers-');
const pools: IntakeWorkers[] = [];
const pool = (url?: URL | null, workers?: number) => {
  const p = url === undefined ? new IntakeWorkers(undefined, workers ? { workers } : {}) : new IntakeWorkers(url, workers ? { workers } : {});
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  temp.cleanup();
});

/** Stored copies under a content store (temp files excluded). */
function storedFiles(store: ContentStore): string[] {
  return readdirSync(store.root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

(sample ? describe : describe.skip)('IntakeWorkers', () => {
  it('gives the same result as inspectBuffer, for many documents at once', async () => {
    const files = Array.from({ length: 20 }, (_, i) => (i % 2 ? { name: `inv-${i}.xml`, bytes: invoice(`INV-${i}`) } : { name: `coda-${i}.cod`, bytes: codaStatement(i + 1) }));
    const p = pool();
    const viaPool = await Promise.all(files.map((f) => p.inspect(f.bytes, { name: f.name, clientIds: ['BE0123456749'] })));
    const inline = await Promise.all(files.map((f) => inspectBuffer(f.bytes, { name: f.name, clientIds: ['BE0123456749'] })));
    expect(viaPool).toEqual(inline);
    expect(viaPool.some((r) => r.kind === 'invoice') && viaPool.some((r) => r.kind === 'bank-statement')).toBe(true);
  });

  for (const [mode, url, workers] of [
    ['two worker threads', undefined, 2],
    ['the main thread (no worker)', null, undefined],
  ] as const) {
    it(`reads, hashes, understands and stores files on ${mode}, like the main thread would`, async () => {
      const dir = temp.make();
      const store = new ContentStore(join(dir, 'home'));
      const files = Array.from({ length: 12 }, (_, i) => {
        const path = join(dir, i % 3 ? `inv-${i}.xml` : `coda-${i}.cod`);
        writeFileSync(path, i % 3 ? invoice(`R-${i}`) : codaStatement(i + 1));
        return path;
      });
      const p = pool(url, workers);
      const outcomes = await Promise.all(
        files.map(async (path) => {
          const read = await p.read(path, 1024 * 1024);
          if (!read.ok) throw new Error(read.failure.message);
          const name = path.split('/').pop()!;
          const understood = await p.understand(read, { name, clientIds: ['BE0123456749'] }, store);
          return { path, name, read, understood };
        }),
      );
      for (const { path, name, read, understood } of outcomes) {
        const original = readFileSync(path);
        expect(read.sha256).toBe(sha256(original));
        expect(read.size).toBe(original.length);
        expect(Buffer.compare(understood.bytes, original)).toBe(0);
        expect(understood.result).toEqual(await inspectBuffer(original, { name, clientIds: ['BE0123456749'] }));
        expect(Buffer.compare(readFileSync(store.pathOf(read.sha256)), original)).toBe(0); // the durable copy
        expect(Buffer.compare(await store.get(read.sha256), original)).toBe(0);
      }
      expect(storedFiles(store)).toEqual(outcomes.map((o) => o.read.sha256).sort()); // no temp file left
    });

    it(`says why a file cannot be read, on ${mode}`, async () => {
      const dir = temp.make();
      const big = join(dir, 'big.xml');
      writeFileSync(big, Buffer.alloc(2048, 0x20));
      mkdirSync(join(dir, 'folder.xml'));
      const fifo = join(dir, 'pipe.xml');
      execFileSync('mkfifo', [fifo]); // opening it would wait for a writer forever
      const p = pool(url, workers);
      expect(await p.read(big, 1024)).toEqual({ ok: false, failure: { code: 'too-large', message: `larger than ${1024 / 1024 / 1024} MB` } });
      expect(await p.read(join(dir, 'folder.xml'), 1024)).toEqual({ ok: false, failure: { code: 'not-a-file', message: 'not a regular file' } });
      expect(await p.read(fifo, 1024)).toEqual({ ok: false, failure: { code: 'not-a-file', message: 'not a regular file' } });
      const missing = await p.read(join(dir, 'missing.xml'), 1024);
      expect(missing.ok).toBe(false);
      expect(!missing.ok && missing.failure.code).toBe('error');
      expect(!missing.ok && missing.failure.message).toMatch(/ENOENT/);
    });
  }

  it('forgets a released file, and refuses to understand it afterwards', async () => {
    const dir = temp.make();
    const path = join(dir, 'a.xml');
    writeFileSync(path, invoice('REL-1'));
    const store = new ContentStore(join(dir, 'home'));
    const p = pool(undefined, 1);
    const read = await p.read(path, 1024 * 1024);
    if (!read.ok) throw new Error(read.failure.message);
    p.release(read);
    await expect(p.understand(read, { name: 'a.xml' }, store)).rejects.toThrow(/already understood or released/);
    // The worker goes on with other files.
    const again = await p.read(path, 1024 * 1024);
    if (!again.ok) throw new Error(again.failure.message);
    expect((await p.understand(again, { name: 'a.xml' }, store)).result.kind).toBe('invoice');
  });

  it('does not store an archive (its members are taken in one by one)', async () => {
    const dir = temp.make();
    const zipPath = join(dir, 'batch.zip');
    writeFileSync(zipPath, zipSync({ 'one.xml': invoice('Z-1') }));
    const store = new ContentStore(join(dir, 'home'));
    const p = pool(undefined, 1);
    const read = await p.read(zipPath, 1024 * 1024);
    if (!read.ok) throw new Error(read.failure.message);
    const understood = await p.understand(read, { name: 'batch.zip' }, store);
    expect(understood.result.kind).toBe('archive');
    expect(Buffer.compare(understood.bytes, readFileSync(zipPath))).toBe(0);
    expect(() => readFileSync(store.pathOf(read.sha256))).toThrow(/ENOENT/);
  });

  it('turns a file that exhausts the worker heap into an unreadable document, and goes on with the others', async () => {
    const p = pool(OOM_WORKER, 1);
    const good = invoice('INV-1');
    const [before, hostile, after] = await Promise.all([
      p.inspect(good, { name: 'before.xml' }),
      p.inspect(new TextEncoder().encode('<x/>'), { name: 'oom.xml' }),
      p.inspect(good, { name: 'after.xml' }),
    ]);
    expect(before.kind).toBe('invoice');
    expect(hostile.error?.code).toBe('too-complex');
    expect(hostile.error?.message).toMatch(/more than 512 MB of memory/);
    expect(after.kind).toBe('invoice');
    expect((await p.inspect(good, { name: 'later.xml' })).kind).toBe('invoice');
  }, 60_000);

  it('when a file kills the worker that holds other files, those are read again and nothing is lost', async () => {
    const dir = temp.make();
    const store = new ContentStore(join(dir, 'home'));
    const write = (name: string, bytes: Buffer) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const hostilePath = write('oom.xml', Buffer.from('<x/>'));
    const goodPaths = [write('a.xml', invoice('H-1')), write('b.xml', invoice('H-2'))];
    const p = pool(OOM_WORKER, 1);
    // Both good files are read (their bytes held by the worker) before the hostile one kills it.
    const goods = await Promise.all(goodPaths.map((path) => p.read(path, 1024 * 1024)));
    const hostileRead = await p.read(hostilePath, 1024 * 1024);
    if (!hostileRead.ok || goods.some((g) => !g.ok)) throw new Error('read failed');
    const hostile = await p.understand(hostileRead, { name: 'oom.xml' }, store);
    expect(hostile.result.error?.code).toBe('too-complex');
    expect(hostile.bytes.toString()).toBe('<x/>');
    expect(readFileSync(store.pathOf(hostileRead.sha256), 'utf8')).toBe('<x/>'); // kept, with its reason, for the user
    for (const [i, read] of goods.entries()) {
      if (!read.ok) throw new Error('read failed');
      const understood = await p.understand(read, { name: `g${i}.xml` }, store);
      expect(understood.result.kind).toBe('invoice');
      expect(Buffer.compare(readFileSync(store.pathOf(read.sha256)), readFileSync(goodPaths[i]!))).toBe(0);
    }
  }, 60_000);

  it('works on the main thread when no worker can run', async () => {
    const bytes = invoice('INV-2');
    const missing = pool(null);
    expect((await missing.inspect(bytes, { name: 'a.xml' })).kind).toBe('invoice');
    const broken = pool(new URL('file:///nonexistent/intake-worker.js'));
    expect((await broken.inspect(bytes, { name: 'b.xml' })).kind).toBe('invoice');
    expect((await broken.inspect(bytes, { name: 'c.xml' })).kind).toBe('invoice');
    const dir = temp.make();
    writeFileSync(join(dir, 'd.xml'), bytes);
    const read = await broken.read(join(dir, 'd.xml'), 1024 * 1024);
    if (!read.ok) throw new Error(read.failure.message);
    expect((await broken.understand(read, { name: 'd.xml' }, new ContentStore(join(dir, 'home')))).result.kind).toBe('invoice');
  });
});
