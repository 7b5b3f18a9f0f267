/**
 * Understanding documents off the engine's main thread.
 *
 * Reading and validating an e-invoice costs about 2 ms of CPU. On the main thread that time is
 * taken from everything else the engine does — watching folders, journaling, delivering, answering
 * the UI — so a batch of 2,000 invoices would hold the engine for seconds. The pool runs
 * `inspectBuffer` in one worker thread (started on first use, stopped after a minute without
 * work), so understanding the next document overlaps with storing and delivering the previous one.
 *
 * The worker also fences hostile input: its heap is capped, and a document that exhausts it (or
 * crashes the worker) becomes an unreadable document with a reason, never a crashed engine. When
 * no worker can be started (a packaging problem), documents are understood on the main thread:
 * slower, never lost.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { failedInspection, inspectBuffer, type InspectOptions, type InspectResult } from './inspect.ts';
import type { InspectReply, InspectRequest } from './inspect-worker.ts';

/** Heap for one worker: far above any real document (the XML/ZIP limits keep those small). */
const WORKER_HEAP_MB = 512;
const IDLE_MS = 60_000;

interface Pending {
  resolve: (result: InspectResult) => void;
  bytes: Uint8Array;
  options: InspectOptions & { name: string };
}

/**
 * Where the worker script is: next to this file when running from source, beside the bundle when
 * built. Null (understand on the main thread) on a single-core machine, where a worker only adds
 * copying, or when LEDGERDROP_INSPECT_WORKER=0 (the pipeline benchmark compares both).
 */
function workerUrl(): URL | null {
  if (availableParallelism() < 2 || process.env.LEDGERDROP_INSPECT_WORKER === '0') return null;
  const candidates = [new URL('./inspect-worker.ts', import.meta.url), new URL('./inspect-worker.js', import.meta.url), new URL('../inspect-worker.js', import.meta.url)];
  for (const candidate of candidates) {
    try {
      if (existsSync(fileURLToPath(candidate))) return candidate;
    } catch {
      // not a file: URL (e.g. inside an archive the worker cannot read): fall back
    }
  }
  return null;
}

export class InspectPool {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Set when a worker could not be started: from then on, inspect on the main thread. */
  private unavailable = false;
  private readonly url: URL | null;
  /** The current worker has loaded (see InspectReply's ready message). */
  private ready = false;

  constructor(url: URL | null = workerUrl()) {
    this.url = url;
    if (!url) this.unavailable = true;
  }

  /** Same answer as inspectBuffer(bytes, options). */
  inspect(bytes: Uint8Array, options: InspectOptions & { name: string }): Promise<InspectResult> {
    if (this.unavailable) return inspectBuffer(bytes, options);
    const worker = this.ensureWorker();
    if (!worker) return inspectBuffer(bytes, options);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    worker.ref(); // a process waiting for an answer must not exit
    return new Promise<InspectResult>((resolve) => {
      this.pending.set(id, { resolve, bytes, options });
      worker.postMessage({ id, bytes, options } satisfies InspectRequest);
    });
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    try {
      this.ready = false;
      const worker = new Worker(this.url!, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
      worker.unref();
      worker.on('message', (reply: InspectReply) => this.onReply(reply));
      worker.on('error', (error) => this.onExit(worker, error));
      worker.on('exit', () => this.onExit(worker, null));
      this.worker = worker;
      return worker;
    } catch {
      this.unavailable = true;
      return null;
    }
  }

  private onReply(reply: InspectReply): void {
    if ('ready' in reply) {
      this.ready = true;
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.result);
    else pending.resolve(failedInspection(pending.options.name, sha256(pending.bytes), 'internal', `Ledgerdrop could not read this file: ${reply.message}`));
    if (this.pending.size === 0) {
      this.worker?.unref(); // an idle worker never keeps the process alive
      this.scheduleIdleStop();
    }
  }

  /**
   * The worker died. Before it had loaded, it cannot run here (a packaging problem): understand on
   * the main thread from now on. Afterwards, the document it was working on killed it (out of
   * memory, or a crash): that one is unreadable, the others go to a new worker.
   */
  private onExit(worker: Worker, error: Error | null): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    if (!this.ready) this.unavailable = true;
    if (waiting.length === 0) return;
    if (this.unavailable) {
      for (const p of waiting) void inspectBuffer(p.bytes, p.options).then(p.resolve);
      return;
    }
    const [first, ...rest] = waiting;
    const outOfMemory = error !== null && /ERR_WORKER_OUT_OF_MEMORY|heap/i.test(`${(error as { code?: string }).code ?? ''} ${error.message}`);
    first!.resolve(
      failedInspection(
        first!.options.name,
        sha256(first!.bytes),
        'too-complex',
        outOfMemory
          ? `Reading this file needed more than ${WORKER_HEAP_MB} MB of memory, so Ledgerdrop stopped. It is probably damaged or built to overload programs; ask the sender for a new copy.`
          : `Ledgerdrop stopped reading this file because the reader crashed on it (${error?.message ?? 'no reason given'}). Ask the sender for a new copy.`,
      ),
    );
    for (const p of rest) void this.inspect(p.bytes, p.options).then(p.resolve);
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_MS);
    this.idleTimer.unref();
  }

  /** Stops the worker (pending documents are finished on the main thread). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.worker;
    this.worker = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) void inspectBuffer(p.bytes, p.options).then(p.resolve);
    if (worker) await worker.terminate();
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
