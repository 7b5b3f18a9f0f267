/** InspectPool: understanding in a worker thread gives inspectBuffer's answers, and survives a hostile file. */
import { afterEach, describe, expect, it } from 'vitest';
import { InspectPool } from '../../src/main/understanding/inspect-pool.ts';
import { inspectBuffer } from '../../src/main/understanding/inspect.ts';
import { salesInvoice, codaStatement } from '../helpers/documents.ts';

const sample = salesInvoice('PROBE');
if (!sample) console.warn('Corpus not found (set LEDGERDROP_CORPUS or provide ../shared/corpus): InspectPool tests skipped.');
const invoice = (n: string): Buffer => salesInvoice(n)!;

const pools: InspectPool[] = [];
const pool = (url?: URL | null) => {
  const p = url === undefined ? new InspectPool() : new InspectPool(url);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

(sample ? describe : describe.skip)('InspectPool', () => {
  it('gives the same result as inspectBuffer, for many documents at once', async () => {
    const files = Array.from({ length: 20 }, (_, i) => (i % 2 ? { name: `inv-${i}.xml`, bytes: invoice(`INV-${i}`) } : { name: `coda-${i}.cod`, bytes: codaStatement(i + 1) }));
    const p = pool();
    const viaPool = await Promise.all(files.map((f) => p.inspect(f.bytes, { name: f.name, clientIds: ['BE0123456749'] })));
    const inline = await Promise.all(files.map((f) => inspectBuffer(f.bytes, { name: f.name, clientIds: ['BE0123456749'] })));
    expect(viaPool).toEqual(inline);
    expect(viaPool.some((r) => r.kind === 'invoice') && viaPool.some((r) => r.kind === 'bank-statement')).toBe(true);
  });

  it('turns a file that exhausts the worker heap into an unreadable document, and goes on with the others', async () => {
    const p = pool(new URL('../helpers/inspect-worker-oom.ts', import.meta.url));
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

  it('understands on the main thread when no worker can run', async () => {
    const bytes = invoice('INV-2');
    const missing = pool(null);
    expect((await missing.inspect(bytes, { name: 'a.xml' })).kind).toBe('invoice');
    const broken = pool(new URL('file:///nonexistent/inspect-worker.js'));
    expect((await broken.inspect(bytes, { name: 'b.xml' })).kind).toBe('invoice');
    expect((await broken.inspect(bytes, { name: 'c.xml' })).kind).toBe('invoice');
  });
});

