/**
 * `node bench/understanding-cpu.ts [rounds] [repetitions]` (best pinned: `taskset -c 1 node …`)
 *
 * CPU time per document (process CPU time, so other work on a shared machine hardly matters) of each
 * step of `inspect` with full validation, per corpus folder: classification (safe-xml scan and tree),
 * readInvoice, validation, and the whole inspectBuffer (which also hashes the bytes). Each figure is
 * the lowest over the repetitions of `rounds` passes over the folder, after three warm-up passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyBytes } from '../src/main/understanding/classify.ts';
import { inspectBuffer } from '../src/main/understanding/inspect.ts';
import { readInvoice } from '../src/main/understanding/invoice.ts';
import type { UblFormat } from '../src/main/understanding/types.ts';
import { validateUbl } from '../src/main/understanding/validation/validate.ts';

const corpus = process.env.LEDGERDROP_CORPUS ?? join(import.meta.dirname, '../../shared/corpus');
const rounds = Number(process.argv[2] ?? 5);
const repetitions = Number(process.argv[3] ?? 5);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

console.log('| folder | classify | readInvoice | validate | inspect (CPU) | inspect (elapsed) |');
console.log('|---|---|---|---|---|---|');
let documents = 0;
let totalCpu = 0;
for (const folder of ['ubl', 'creditnote', 'efff']) {
  const files = readdirSync(join(corpus, folder)).map((f) => readFileSync(join(corpus, folder, f)));
  for (let r = 0; r < 3; r += 1) for (const bytes of files) await inspectBuffer(bytes, { name: 'x' });
  const best = { classify: Infinity, read: Infinity, validate: Infinity, inspect: Infinity, elapsed: Infinity };
  const n = rounds * files.length;
  for (let rep = 0; rep < repetitions; rep += 1) {
    let classify = 0;
    let read = 0;
    let validate = 0;
    for (let r = 0; r < rounds; r += 1) {
      for (const bytes of files) {
        const t0 = cpuMs();
        const c = classifyBytes(bytes);
        const t1 = cpuMs();
        if (c.ubl) readInvoice(c.ubl);
        const t2 = cpuMs();
        if (c.ubl) validateUbl(c.ubl, c.format as UblFormat);
        classify += t1 - t0;
        read += t2 - t1;
        validate += cpuMs() - t2;
      }
    }
    const cpu0 = cpuMs();
    const wall0 = performance.now();
    for (let r = 0; r < rounds; r += 1) for (const bytes of files) await inspectBuffer(bytes, { name: 'x' });
    const inspect = cpuMs() - cpu0;
    const elapsed = performance.now() - wall0;
    best.classify = Math.min(best.classify, classify / n);
    best.read = Math.min(best.read, read / n);
    best.validate = Math.min(best.validate, validate / n);
    best.inspect = Math.min(best.inspect, inspect / n);
    best.elapsed = Math.min(best.elapsed, elapsed / n);
  }
  documents += files.length;
  totalCpu += best.inspect * files.length;
  const f = (v: number): string => v.toFixed(2);
  console.log(`| ${folder} (${files.length}) | ${f(best.classify)} | ${f(best.read)} | ${f(best.validate)} | ${f(best.inspect)} | ${f(best.elapsed)} |`);
}
console.log(`all ${documents} documents, each once: ${(totalCpu / documents).toFixed(2)} ms CPU per document (inspect)`);
