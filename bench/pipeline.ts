/**
 * `npm run bench -- pipeline [--files 2000] [--singles 40] [--queued 10000]`
 *
 * The agent (`ledgerdrop run`, a real child process) watches a client's folder and delivers to a
 * local folder. Measures, on this machine:
 * - throughput: N valid invoices moved into the watch folder at once → all delivered (documents/s),
 *   compared in the same run with `cp` of the same files (the floor: bytes copied, nothing understood);
 * - latency for single drops: file closed → delivered file present (p50/p95);
 * - engine memory (RSS of the agent process) with Q deliveries queued while deliveries are paused.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, saveResult } from './support.ts';

const REPO = join(import.meta.dirname, '..');
/** The production bundle (what a server runs and what the desktop engine is built from); `npm run build` makes it. */
const BUNDLE = join(REPO, 'out/main/cli.js');
const CLI = existsSync(BUNDLE) ? BUNDLE : join(REPO, 'bin/ledgerdrop.mjs');

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function ledgerdrop(home: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--home', home, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Delivered files in one folder (our hidden `.partial` files excluded). */
function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.')).length : 0;
}

/**
 * Waits for `check`, looking every `everyMs`. The batch is watched every 25 ms, not faster: listing
 * a folder of 2,000 files costs about a millisecond, and this process shares the machine's cores
 * with the agent it measures.
 */
async function until(check: () => boolean, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function startAgent(home: string): { child: ChildProcess; ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [CLI, '--home', home, 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    ready: until(() => output.includes('is running on'), 60_000, 'the agent'),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function main(args: string[]): Promise<void> {
  const files = option(args, 'files', 2000);
  const singles = option(args, 'singles', 40);
  const queued = option(args, 'queued', 10_000);
  const corpus = process.env.LEDGERDROP_CORPUS ?? join(REPO, '../shared/corpus');
  const base = readFileSync(join(corpus, 'ubl/peppol_base-example.xml'), 'utf8');
  const invoice = (n: string) => Buffer.from(base.replace('<cbc:ID>Snippet1</cbc:ID>', `<cbc:ID>${n}</cbc:ID>`));

  const root = mkdtempSync(join(tmpdir(), 'ledgerdrop-bench-pipeline-'));
  try {
    const home = join(root, 'home');
    const watch = join(root, 'watch');
    const target = join(root, 'target');
    const staging = join(root, 'staging');
    for (const d of [watch, target, staging]) mkdirSync(d);
    writeFileSync(
      join(root, 'config.json'),
      JSON.stringify({
        connections: [{ id: 'folder', service: 'local-folder', name: 'Import folder', families: ['invoices', 'statements'], settings: { path: target, pathTemplate: '[family]/[original_name]' } }],
        clients: [{ id: 'supplier', name: 'Supplier Ltd', identifiers: ['GB1232434'], connection: 'folder', activate: ['invoices', 'statements'], watchFolders: [{ path: watch }] }],
      }),
    );
    ledgerdrop(home, 'config', 'apply', join(root, 'config.json'));

    // Peer: cp of the same files (no understanding, no journal, no fsync).
    const batch = join(staging, 'batch');
    mkdirSync(batch);
    for (let i = 0; i < files; i += 1) writeFileSync(join(batch, `inv-${String(i).padStart(5, '0')}.xml`), invoice(`B-${i}`));
    const cpTarget = join(root, 'cp-target');
    const cpStart = process.hrtime.bigint();
    execFileSync('cp', ['-r', batch, cpTarget]);
    const cpSeconds = Number(process.hrtime.bigint() - cpStart) / 1e9;

    const agent = startAgent(home);
    await agent.ready;
    const startRss = rssMb(agent.child.pid!);

    // Throughput: the whole batch arrives at once (a rename into the watch folder).
    const t0 = process.hrtime.bigint();
    renameSync(batch, join(watch, 'batch'));
    await until(() => countFiles(join(target, 'invoices')) >= files, 600_000, `${files} deliveries`, 25);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakRss = rssMb(agent.child.pid!);

    // Latency: single files, written and closed one at a time.
    const latencies: number[] = [];
    for (let i = 0; i < singles; i += 1) {
      const name = `single-${i}.xml`;
      const bytes = invoice(`S-${i}`);
      const start = process.hrtime.bigint();
      writeFileSync(join(watch, name), bytes);
      await until(() => existsSync(join(target, 'invoices', name)), 60_000, `single drop ${i}`);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      await new Promise((r) => setTimeout(r, 50));
    }
    await agent.stop();

    // Memory with a large queue: pause deliveries, take in Q documents, start the agent, read its RSS.
    ledgerdrop(home, 'pause');
    const queue = join(staging, 'queue');
    mkdirSync(queue);
    for (let i = 0; i < queued; i += 1) writeFileSync(join(queue, `q-${String(i).padStart(5, '0')}.xml`), invoice(`Q-${i}`));
    const importStart = process.hrtime.bigint();
    ledgerdrop(home, 'import', queue, '--client', 'supplier', '--json');
    const importSeconds = Number(process.hrtime.bigint() - importStart) / 1e9;
    const status = JSON.parse(ledgerdrop(home, 'status', '--json')) as { outbox: { deliveries: { queued: number } } };
    const paused = startAgent(home);
    await paused.ready;
    await new Promise((r) => setTimeout(r, 1000));
    const queuedRss = rssMb(paused.child.pid!);
    await paused.stop();

    const result = {
      machine: machine(),
      throughput: { files, seconds, documentsPerSecond: files / seconds, cpSeconds, ratioToCp: seconds / cpSeconds },
      latencyMs: { drops: singles, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
      memoryMb: { idle: startRss, afterBatch: peakRss, withQueued: queuedRss, queued: status.outbox.deliveries.queued },
      import: { documents: queued, seconds: importSeconds, documentsPerSecond: queued / importSeconds },
    };
    console.log(`pipeline: ${machine().replace(', pinned to core 0', '')}; agent not pinned; running ${CLI === BUNDLE ? 'the bundle out/main/cli.js' : 'from source (run npm run build for the bundle)'}`);
    console.log('| measure | value | target |');
    console.log('|---|---|---|');
    console.log(`| ${files} invoices dropped at once → delivered | ${seconds.toFixed(2)} s = ${(files / seconds).toFixed(0)} documents/s (cp of the same files: ${cpSeconds.toFixed(2)} s, ${(seconds / cpSeconds).toFixed(0)}× slower) | ≥ 300 documents/s |`);
    console.log(`| single drop: file closed → delivered | p50 ${result.latencyMs.p50.toFixed(0)} ms, p95 ${result.latencyMs.p95.toFixed(0)} ms (${singles} drops) | p50 ≤ 500 ms, p95 ≤ 1500 ms |`);
    console.log(`| agent RSS | idle ${startRss.toFixed(0)} MB, after the batch ${peakRss.toFixed(0)} MB, with ${status.outbox.deliveries.queued} deliveries queued ${queuedRss.toFixed(0)} MB | ≤ 150 MB with 10,000 queued |`);
    console.log(`| import of ${queued} invoices (CLI, one process) | ${importSeconds.toFixed(1)} s = ${(queued / importSeconds).toFixed(0)} documents/s | |`);
    console.log(`saved ${saveResult('pipeline', result)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
