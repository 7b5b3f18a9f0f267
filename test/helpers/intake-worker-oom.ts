/**
 * A stand-in for src/main/intake/intake-worker.ts (test/unit/intake-workers.test.ts): does the real
 * worker's jobs, except that a file named `oom.xml` makes it allocate until its capped heap runs
 * out, the way a document built to overload a parser would.
 */
import { parentPort } from 'node:worker_threads';
import { handleRequest, type WorkerRequest } from '../../src/main/intake/worker-jobs.ts';

parentPort!.postMessage({ id: 0, ready: true });
parentPort!.on('message', (request: WorkerRequest) => {
  if ((request.op === 'inspect' || request.op === 'understand') && request.options.name === 'oom.xml') {
    // Many small objects, as a parser building a huge tree does. (Huge single allocations can make
    // V8 abort the whole process instead of stopping the worker: nodejs/node#47224.)
    const hoard: { n: number; s: string }[] = [];
    for (let n = 0; ; n += 1) hoard.push({ n, s: `${n}` });
  }
  void handleRequest(request, (message, transfer) => parentPort!.postMessage(message, transfer ?? []));
});
