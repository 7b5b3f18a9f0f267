/**
 * The worker thread behind InspectPool: understands documents (classification, key fields,
 * validation against the official rules) off the engine's main thread.
 */
import { parentPort } from 'node:worker_threads';
import { inspectBuffer, type InspectOptions } from './inspect.ts';

export interface InspectRequest {
  id: number;
  bytes: Uint8Array;
  options: InspectOptions & { name: string };
}

export type InspectReply =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof inspectBuffer>> }
  | { id: number; ok: false; message: string }
  /** Sent once, when the worker has loaded: a worker that dies before it could not run at all. */
  | { id: 0; ready: true };

parentPort?.postMessage({ id: 0, ready: true } satisfies InspectReply);
parentPort?.on('message', (request: InspectRequest) => {
  inspectBuffer(request.bytes, request.options).then(
    (result) => parentPort!.postMessage({ id: request.id, ok: true, result } satisfies InspectReply),
    (error: unknown) => parentPort!.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies InspectReply),
  );
});
