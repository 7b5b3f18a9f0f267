/**
 * What an intake worker thread does (intake-worker.ts runs it; intake-workers.ts sends the jobs).
 *
 * In a worker, blocking file calls are the cheap ones: each asynchronous call on the engine's main
 * thread is a round trip through libuv's thread pool (measured here: ~50 µs of CPU for an async
 * stat against ~4 µs for a blocking one), and a document took about 30 of them. So a worker reads
 * the file, hashes it, understands it and writes the content store's copy with blocking calls —
 * except the disk syncs, which take milliseconds and overlap with the next document — and the
 * main thread only journals the outcome.
 *
 * Jobs:
 * - `read`: stat + read a file (size-checked) and hash it; the bytes stay here under the job's id
 *   until an `understand` (or `drop`) names it. The main thread checks for a duplicate in between,
 *   so a file already taken in is never understood again.
 * - `understand`: inspectBuffer, then — unless it is an archive, whose members are taken in one by
 *   one — the durable copy in the content store. The bytes go back to the main thread (transferred,
 *   not copied) for the delivery that follows.
 * - `inspect`: inspectBuffer only (bytes given), for callers that store themselves.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { systemErrorCode } from '../engine/errors.ts';
import { inspectBuffer, type InspectOptions, type InspectResult } from '../understanding/inspect.ts';
import { putContent } from './content-store.ts';

export type WorkerRequest =
  | { op: 'inspect'; id: number; bytes: Uint8Array; options: InspectOptions & { name: string } }
  | { op: 'read'; id: number; path: string; maxBytes: number }
  | { op: 'understand'; id: number; held: number; options: InspectOptions & { name: string }; storeRoot: string | null }
  | { op: 'drop'; id: number; held: number };

export type ReadFailure = { code: 'not-a-file' | 'too-large' | 'error'; message: string };

export type JobReply =
  | { id: number; ok: true; result: InspectResult }
  | { id: number; ok: true; read: { sha256: string; size: number } }
  | { id: number; ok: true; understood: { result: InspectResult; bytes: Uint8Array; stored: boolean } }
  | { id: number; ok: false; message: string; code?: string; readFailure?: ReadFailure };

export type WorkerReply =
  | JobReply
  /** Sent once, when the worker has loaded: a worker that dies before it could not run at all. */
  | { id: 0; ready: true };

/**
 * Reads a whole file with blocking calls. It is stat'ed before it is opened (opening a named pipe
 * would wait for a writer) and again once open, and its size is checked before reading.
 */
export function readFileChecked(path: string, maxBytes: number): { ok: true; bytes: Buffer } | { ok: false; failure: ReadFailure } {
  let fd: number;
  try {
    if (!statSync(path).isFile()) return { ok: false, failure: { code: 'not-a-file', message: 'not a regular file' } };
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, failure: { code: 'error', message: error instanceof Error ? error.message : String(error) } };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { ok: false, failure: { code: 'not-a-file', message: 'not a regular file' } };
    if (info.size > maxBytes) return { ok: false, failure: { code: 'too-large', message: `larger than ${maxBytes / 1024 / 1024} MB` } };
    // The size may still change under us (a writer the readiness check could not see): read to the end.
    let bytes = Buffer.allocUnsafeSlow(Math.max(1, info.size));
    let length = 0;
    for (;;) {
      if (length === bytes.length) {
        if (length >= maxBytes) return { ok: false, failure: { code: 'too-large', message: `larger than ${maxBytes / 1024 / 1024} MB` } };
        const bigger = Buffer.allocUnsafeSlow(Math.min(maxBytes + 1, bytes.length * 2));
        bytes.copy(bigger, 0, 0, length);
        bytes = bigger;
      }
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { ok: false, failure: { code: 'too-large', message: `larger than ${maxBytes / 1024 / 1024} MB` } };
    // A fresh ArrayBuffer of exactly the file's length, so it can be transferred to another thread.
    return { ok: true, bytes: length === bytes.buffer.byteLength ? bytes : Buffer.from(bytes.subarray(0, length)) };
  } catch (error) {
    return { ok: false, failure: { code: 'error', message: error instanceof Error ? error.message : String(error) } };
  } finally {
    closeSync(fd);
  }
}

/** Bytes read and waiting for their `understand` or `drop`. */
const held = new Map<number, { bytes: Buffer; sha256: string }>();

/** A Buffer whose memory is exactly its own ArrayBuffer can be transferred; others are copied first. */
function transferable(bytes: Buffer): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

/** Handles one job; `reply` posts the answer (with the buffers to transfer). */
export async function handleRequest(request: WorkerRequest, reply: (message: JobReply, transfer?: ArrayBuffer[]) => void): Promise<void> {
  try {
    switch (request.op) {
      case 'inspect':
        reply({ id: request.id, ok: true, result: await inspectBuffer(request.bytes, request.options) });
        return;
      case 'read': {
        const read = readFileChecked(request.path, request.maxBytes);
        if (!read.ok) {
          reply({ id: request.id, ok: false, message: read.failure.message, readFailure: read.failure });
          return;
        }
        const sha256 = createHash('sha256').update(read.bytes).digest('hex');
        held.set(request.id, { bytes: read.bytes, sha256 });
        reply({ id: request.id, ok: true, read: { sha256, size: read.bytes.length } });
        return;
      }
      case 'drop':
        held.delete(request.held);
        return;
      case 'understand': {
        const entry = held.get(request.held);
        held.delete(request.held);
        if (!entry) {
          reply({ id: request.id, ok: false, code: 'not-held', message: 'the worker no longer holds this file' });
          return;
        }
        const result = await inspectBuffer(entry.bytes, request.options);
        let stored = false;
        if (request.storeRoot !== null && !(result.kind === 'archive' && !result.error)) {
          try {
            stored = await putContent(request.storeRoot, entry.bytes, entry.sha256);
          } catch (error) {
            reply({ id: request.id, ok: false, code: systemErrorCode(error) ?? 'store-failed', message: error instanceof Error ? error.message : String(error) });
            return;
          }
        }
        const bytes = transferable(entry.bytes);
        reply({ id: request.id, ok: true, understood: { result, bytes, stored } }, [bytes.buffer as ArrayBuffer]);
        return;
      }
    }
  } catch (error) {
    reply({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}
