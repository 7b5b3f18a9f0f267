/** Inspects every file named in a list (one per line) and prints the elapsed and CPU time as JSON. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { inspectBuffer } from '../src/main/understanding/inspect.ts';
import { RULESETS, rulesOf } from '../src/main/understanding/validation/rulesets.ts';

const files = readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
let invalid = 0;
let errors = 0;
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
for (const file of files) {
  const result = await inspectBuffer(await readFile(file), { name: file });
  if (result.error) errors += 1;
  if (result.validation && !result.validation.valid) invalid += 1;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
// CPU time of this process (all its threads): unlike the elapsed time, not inflated by other work on a shared machine.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rules = new Set(Object.values(RULESETS).flatMap((set) => rulesOf(set).map((r) => r.id))).size;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, invalid, errors, rules }));
