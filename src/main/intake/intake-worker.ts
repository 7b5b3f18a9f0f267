/**
 * The worker thread behind IntakeWorkers (intake-workers.ts): reads, hashes and understands
 * documents and stores their copies, off the engine's main thread (see worker-jobs.ts).
 */
import { parentPort } from 'node:worker_threads';
import { handleRequest, type WorkerReply, type WorkerRequest } from './worker-jobs.ts';

parentPort?.postMessage({ id: 0, ready: true } satisfies WorkerReply);
parentPort?.on('message', (request: WorkerRequest) => {
  void handleRequest(request, (message, transfer) => parentPort!.postMessage(message, transfer ?? []));
});
