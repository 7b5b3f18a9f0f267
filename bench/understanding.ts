/**
 * `npm run bench -- understanding [--files 5000] [--runs 3]`
 *
 * Documents per second for `inspect` with full validation over N e-invoice files (the corpus
 * invoices, credit notes and e-FFF documents, copied until there are N), on one core, compared in
 * the same run with `xmllint --noout` (libxml2 reading every byte as XML: the floor) and `sha256sum`.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, median, saveResult, timeOnOneCore } from './support.ts';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export async function main(args: string[]): Promise<void> {
  const count = option(args, 'files', 5000);
  const runs = option(args, 'runs', 3);
  const corpus = process.env.LEDGERDROP_CORPUS ?? join(import.meta.dirname, '../../shared/corpus');
  const sources = ['ubl', 'creditnote', 'efff'].flatMap((sub) => readdirSync(join(corpus, sub)).map((f) => join(corpus, sub, f)));
  if (sources.length === 0) throw new Error(`No corpus invoices under ${corpus}`);

  const dir = mkdtempSync(join(tmpdir(), 'ledgerdrop-bench-understanding-'));
  try {
    const files: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const file = join(dir, `${String(i).padStart(5, '0')}.xml`);
      copyFileSync(sources[i % sources.length]!, file);
      files.push(file);
    }
    const list = join(dir, 'files.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(list, files.join('\n'));
    const worker = join(import.meta.dirname, 'understanding-worker.ts');

    const measure = (label: string, run: () => number) => {
      run(); // warm the page cache and the JIT's first compile
      const times = Array.from({ length: runs }, run);
      const seconds = median(times);
      return { label, seconds, docsPerSecond: count / seconds, msPerDoc: (seconds * 1000) / count };
    };

    const cpuSeconds: number[] = [];
    const ledgerdrop = measure('ledgerdrop inspect (classify + fields + validation)', () => {
      const out = timeOnOneCore(process.execPath, [worker, list]);
      const report = JSON.parse(out.stdout) as { seconds: number; cpuSeconds: number; invalid: number; errors: number };
      cpuSeconds.push(report.cpuSeconds);
      return report.seconds;
    });
    // The first run warms the page cache and is left out, as in measure().
    const cpu = median(cpuSeconds.slice(1));
    const xmllint = measure('xmllint --noout', () => {
      let total = 0;
      for (let i = 0; i < files.length; i += 1000) total += timeOnOneCore('xmllint', ['--noout', ...files.slice(i, i + 1000)]).seconds;
      return total;
    });
    const sha = measure('sha256sum', () => {
      let total = 0;
      for (let i = 0; i < files.length; i += 1000) total += timeOnOneCore('sha256sum', files.slice(i, i + 1000)).seconds;
      return total;
    });
    const check = JSON.parse(timeOnOneCore(process.execPath, [worker, list]).stdout) as { invalid: number; errors: number; rules: number };

    const rows = [ledgerdrop, xmllint, sha];
    console.log(`understanding: ${count} files (${sources.length} distinct corpus e-invoices), median of ${runs} runs; ${machine()}`);
    console.log(`validation rules active: ${check.rules}; files reported invalid: ${check.invalid}; files with an error: ${check.errors}`);
    console.log('| tool | seconds | documents/s | ms/document | × ledgerdrop time |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.docsPerSecond.toFixed(0)} | ${r.msPerDoc.toFixed(3)} | ${(r.seconds / ledgerdrop.seconds).toFixed(2)} |`);
    console.log(`ledgerdrop CPU time (process, all threads): ${cpu.toFixed(2)} s, ${((cpu * 1000) / count).toFixed(3)} ms/document`);
    console.log(`target ≥ 400 documents/s: ${ledgerdrop.docsPerSecond >= 400 ? 'met' : 'NOT met'}`);
    const saved = saveResult('understanding', { count, runs, machine: machine(), rows, cpuSeconds: cpu, check });
    console.log(`saved ${saved}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
