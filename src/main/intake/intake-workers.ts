/**
 * Intake off the engine's main thread.
 *
 * Taking a file in costs reading and hashing it, understanding it (about 2 ms of CPU for an
 * e-invoice: parse, key fields, validation against the official rules) and a durable copy in the
 * content store (a write, an fdatasync, a rename and a folder fsync). On the main thread all of it
 * is taken from everything else the engine does — watching folders, journaling, delivering,
 * answering the UI — and every asynchronous file call is a round trip through libuv's thread pool.
 * So worker threads do it with blocking calls (worker-jobs.ts), and the main thread only checks for
 * a duplicate (between `read` and `understand`) and journals the outcome.
 *
 * Workers start on first use and stop after a minute without work. They also fence hostile input:
 * each heap is capped, and a document that exhausts it (or crashes the worker) becomes an
 * unreadable document with a reason, never a crashed engine; other jobs go to a new worker. When
 * no worker can be started (a packaging problem), or on a single-core machine, everything runs on
 * the main thread with asynchronous calls: slower, never lost.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { failedInspection, inspectBuffer, type InspectOptions, type InspectResult } from '../understanding/inspect.ts';
import type { ContentStore } from './content-store.ts';
import type { JobReply, ReadFailure, WorkerReply, WorkerRequest } from './worker-jobs.ts';

/** Heap for one worker: far above any real document (the XML/ZIP limits keep those small). */
const WORKER_HEAP_MB = 512;
const IDLE_MS = 60_000;

type Options = InspectOptions & { name: string };

/** A file read and hashed, waiting for `understand` or `release`. */
export interface HeldFile {
  readonly sha256: string;
  readonly size: number;
}

interface Held extends HeldFile {
  ok: true;
  path: string;
  /** The worker holding the bytes, or null when they are here (no worker). */
  slot: Slot | null;
  /** Job id the worker holds them under. */
  id: number;
  bytes: Buffer | null;
  done: boolean;
}

export type ReadResult = ({ ok: true } & HeldFile) | { ok: false; failure: ReadFailure };

export interface Understood {
  result: InspectResult;
  bytes: Buffer;
}

interface Pending {
  request: WorkerRequest;
  /** The reply came. */
  answer: (reply: JobReply) => void;
  /** The worker died with this job; `culprit` when it was the job it died on. */
  died: (outOfMemory: boolean, error: Error | null, culprit: boolean) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  pending: Map<number, Pending>;
  /** Ids of the files whose bytes this worker holds. */
  held: Set<number>;
}

/**
 * Where the worker script is: next to this file when running from source, beside the bundle when
 * built. Null (work on the main thread) on a single-core machine, where a worker only adds copying,
 * or when LEDGERDROP_INTAKE_WORKERS=0 (the pipeline benchmark compares both).
 */
function workerUrl(): URL | null {
  if (availableParallelism() < 2 || process.env.LEDGERDROP_INTAKE_WORKERS === '0') return null;
  const candidates = [new URL('./intake-worker.ts', import.meta.url), new URL('./intake-worker.js', import.meta.url), new URL('../intake-worker.js', import.meta.url)];
  for (const candidate of candidates) {
    try {
      if (existsSync(fileURLToPath(candidate))) return candidate;
    } catch {
      // not a file: URL (e.g. inside an archive the worker cannot read): fall back
    }
  }
  return null;
}

/**
 * Workers to run: LEDGERDROP_INTAKE_WORKERS, else one. Measured on 2 cores: a second worker made a
 * plain import faster but a watch-folder batch slower (it competes with the main thread, which
 * journals and delivers); larger machines were not measured.
 */
function defaultWorkers(): number {
  const configured = Number(process.env.LEDGERDROP_INTAKE_WORKERS);
  if (Number.isInteger(configured) && configured >= 1) return Math.min(configured, 8);
  return 1;
}

const NO_WORKER = Symbol('no worker');

/** Archives are not stored: their members are taken in one by one. */
function storable(result: InspectResult): boolean {
  return !(result.kind === 'archive' && !result.error);
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function crashResult(name: string, sha256: string, outOfMemory: boolean, error: Error | null): InspectResult {
  return failedInspection(
    name,
    sha256,
    'too-complex',
    outOfMemory
      ? `Reading this file needed more than ${WORKER_HEAP_MB} MB of memory, so Ledgerdrop stopped. It is probably damaged or built to overload programs; ask the sender for a new copy.`
      : `Ledgerdrop stopped reading this file because the reader crashed on it (${error?.message ?? 'no reason given'}). Ask the sender for a new copy.`,
  );
}

/** Reads a file on this thread, asynchronously (the fallback when no worker runs), size-checked. */
async function readHere(path: string, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; failure: ReadFailure }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, failure: { code: 'not-a-file', message: 'not a regular file' } };
    if (info.size > maxBytes) return { ok: false, failure: { code: 'too-large', message: `larger than ${maxBytes / 1024 / 1024} MB` } };
    const bytes = await readFile(path);
    if (bytes.length > maxBytes) return { ok: false, failure: { code: 'too-large', message: `larger than ${maxBytes / 1024 / 1024} MB` } };
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, failure: { code: 'error', message: error instanceof Error ? error.message : String(error) } };
  }
}

export class IntakeWorkers {
  private readonly slots: (Slot | null)[];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Set when a worker could not be started: from then on, work on the main thread. */
  private unavailable = false;
  private closed = false;
  private readonly url: URL | null;

  constructor(url: URL | null = workerUrl(), options: { workers?: number } = {}) {
    this.url = url;
    if (!url) this.unavailable = true;
    this.slots = Array.from({ length: Math.max(1, options.workers ?? defaultWorkers()) }, () => null);
  }

  /** Same answer as inspectBuffer(bytes, options). */
  async inspect(bytes: Uint8Array, options: Options): Promise<InspectResult> {
    const sent = await this.send<InspectResult>(
      { op: 'inspect', id: this.nextId++, bytes, options },
      null,
      (reply) => (reply.ok && 'result' in reply ? reply.result : failedInspection(options.name, sha256Of(bytes), 'internal', `Ledgerdrop could not read this file: ${reply.ok ? 'no answer' : reply.message}`)),
      (outOfMemory, error, culprit) => (culprit ? Promise.resolve(crashResult(options.name, sha256Of(bytes), outOfMemory, error)) : this.inspect(bytes, options)),
    );
    return sent === NO_WORKER ? inspectBuffer(bytes, options) : sent;
  }

  /**
   * Reads and hashes a file (at most `maxBytes`). On success the bytes are held until `understand`
   * or `release`: call one of them.
   */
  async read(path: string, maxBytes: number): Promise<ReadResult> {
    const id = this.nextId++;
    const sent = await this.send<ReadResult | 'again'>(
      { op: 'read', id, path, maxBytes },
      null,
      (reply, slot) => {
        if (!reply.ok) return { ok: false, failure: reply.readFailure ?? { code: 'error', message: reply.message } };
        if (!('read' in reply)) return { ok: false, failure: { code: 'error', message: 'unexpected answer from the intake worker' } };
        if (!this.slots.includes(slot)) return 'again'; // it died right after answering: the bytes are gone
        const entry: Held = { ok: true, ...reply.read, path, slot, id, bytes: null, done: false };
        slot.held.add(id);
        return entry;
      },
      () => Promise.resolve('again'),
    );
    if (sent === 'again') return this.read(path, maxBytes);
    if (sent !== NO_WORKER) return sent;
    const here = await readHere(path, maxBytes);
    if (!here.ok) return here;
    const entry: Held = { ok: true, sha256: sha256Of(here.bytes), size: here.bytes.length, path, slot: null, id, bytes: here.bytes, done: false };
    return entry;
  }

  /**
   * Understands a file `read` returned, then — unless it is an archive, whose members are taken in
   * one by one — stores its durable copy in `store`. Returns the result and the bytes.
   */
  async understand(file: HeldFile, options: Options, store: ContentStore | null): Promise<Understood> {
    const entry = file as Held;
    if (entry.done) throw new Error('this file was already understood or released');
    entry.done = true;
    if (entry.bytes !== null) {
      const result = await inspectBuffer(entry.bytes, options);
      if (storable(result) && store) await store.put(entry.bytes, entry.sha256);
      return { result, bytes: entry.bytes };
    }
    const slot = entry.slot!;
    slot.held.delete(entry.id);
    if (!this.slots.includes(slot)) return this.understandHere(entry, options, store, null);
    store?.prepare();
    const sent = await this.send<Understood>(
      { op: 'understand', id: this.nextId++, held: entry.id, options, storeRoot: store ? store.root : null },
      slot,
      (reply) => {
        if (reply.ok && 'understood' in reply) {
          const bytes = asBuffer(reply.understood.bytes);
          if (reply.understood.stored) store?.remember(entry.sha256, bytes);
          return { result: reply.understood.result, bytes };
        }
        if (!reply.ok && reply.code === 'not-held') return this.understandHere(entry, options, store, null);
        throw Object.assign(new Error(reply.ok ? 'unexpected answer from the intake worker' : reply.message), { code: reply.ok ? undefined : reply.code });
      },
      (outOfMemory, error, culprit) => this.understandHere(entry, options, store, culprit ? crashResult(options.name, entry.sha256, outOfMemory, error) : null),
    );
    return sent === NO_WORKER ? this.understandHere(entry, options, store, null) : sent;
  }

  /**
   * The worker holding the bytes is gone: read the file again here. `result` is the answer when
   * that worker died on this very file (it is unreadable); otherwise the file is understood anew.
   */
  private async understandHere(entry: Held, options: Options, store: ContentStore | null, result: InspectResult | null): Promise<Understood> {
    const here = await readHere(entry.path, Number.MAX_SAFE_INTEGER);
    if (!here.ok || sha256Of(here.bytes) !== entry.sha256) {
      throw Object.assign(new Error(`${entry.path} changed or disappeared while it was being taken in; it is taken in again when it is seen next`), { code: 'changed' });
    }
    const answer = result ?? (await this.inspect(here.bytes, options));
    if (storable(answer) && store) await store.put(here.bytes, entry.sha256);
    return { result: answer, bytes: here.bytes };
  }

  /** Forgets a file `read` returned without understanding it (a duplicate). */
  release(file: HeldFile): void {
    const entry = file as Held;
    if (entry.done) return;
    entry.done = true;
    const slot = entry.slot;
    if (slot && this.slots.includes(slot)) {
      slot.held.delete(entry.id);
      slot.worker.postMessage({ op: 'drop', id: this.nextId++, held: entry.id } satisfies WorkerRequest);
      this.maybeIdle(slot);
    }
  }

  /**
   * Sends a job to `slot` (or the least busy worker) and turns its reply into the caller's answer
   * (`answer`, or `died` when the worker dies first). NO_WORKER when no worker can run: the caller
   * does the work on this thread.
   */
  private send<T>(
    request: WorkerRequest,
    slot: Slot | null,
    answer: (reply: JobReply, slot: Slot) => T | Promise<T>,
    died: (outOfMemory: boolean, error: Error | null, culprit: boolean) => Promise<T>,
  ): Promise<T | typeof NO_WORKER> {
    const target = slot ?? this.pickSlot();
    if (target === null) return Promise.resolve(NO_WORKER);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    target.worker.ref(); // a process waiting for an answer must not exit
    return new Promise<T>((resolve, reject) => {
      target.pending.set(request.id, {
        request,
        answer: (reply) => {
          try {
            resolve(answer(reply, target));
          } catch (error) {
            reject(error as Error);
          }
        },
        died: (outOfMemory, error, culprit) => resolve(died(outOfMemory, error, culprit)),
      });
      target.worker.postMessage(request);
    });
  }

  private pickSlot(): Slot | null {
    if (this.unavailable || this.closed) return null;
    let best: Slot | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] ?? this.startWorker(i);
      if (slot === null) return best;
      if (best === null || slot.pending.size < best.pending.size) best = slot;
      if (slot.pending.size === 0) break;
    }
    return best;
  }

  private startWorker(index: number): Slot | null {
    if (this.unavailable) return null;
    try {
      const worker = new Worker(this.url!, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
      worker.unref();
      const slot: Slot = { worker, ready: false, pending: new Map(), held: new Set() };
      worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      worker.on('error', (error) => this.onExit(slot, error));
      worker.on('exit', () => this.onExit(slot, null));
      this.slots[index] = slot;
      return slot;
    } catch {
      this.unavailable = true;
      return null;
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      return;
    }
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    pending.answer(reply);
    this.maybeIdle(slot);
  }

  private maybeIdle(slot: Slot): void {
    if (slot.pending.size > 0 || slot.held.size > 0) return;
    slot.worker.unref(); // an idle worker never keeps the process alive
    if (this.slots.every((s) => s === null || (s.pending.size === 0 && s.held.size === 0))) this.scheduleIdleStop();
  }

  /**
   * A worker died. Before it had loaded, it cannot run here (a packaging problem): work on the
   * main thread from now on. Afterwards, the document it was working on killed it (out of memory,
   * or a crash): that one is unreadable, the other jobs go to another worker.
   */
  private onExit(slot: Slot, error: Error | null): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots[index] = null;
    if (!slot.ready) this.unavailable = true;
    this.abandon(slot, error);
  }

  /** Hands the jobs of a worker that is gone to their `died` handlers. */
  private abandon(slot: Slot, error: Error | null): void {
    const waiting = [...slot.pending.values()];
    slot.pending.clear();
    slot.held.clear();
    const outOfMemory = error !== null && /ERR_WORKER_OUT_OF_MEMORY|heap/i.test(`${(error as { code?: string }).code ?? ''} ${error.message}`);
    // The job that killed it: the oldest one that runs a parser (reading a file cannot).
    const culprit = this.unavailable || this.closed ? undefined : waiting.find((p) => p.request.op === 'inspect' || p.request.op === 'understand');
    for (const p of waiting) p.died(outOfMemory, error, p === culprit);
  }

  private scheduleIdleStop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopWorkers(), IDLE_MS);
    this.idleTimer.unref();
  }

  /** Stops every worker; jobs still under way are finished on the main thread (or another worker). */
  private async stopWorkers(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const slots = this.slots.filter((s): s is Slot => s !== null);
    this.slots.fill(null);
    for (const slot of slots) this.abandon(slot, null);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  /** Stops the workers for good (the engine is closing); later work runs on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopWorkers();
  }
}
