/**
 * A stand-in for src/main/understanding/inspect-worker.ts (test/unit/inspect-pool.test.ts): answers
 * like the real worker, except that a file named `oom.xml` makes it allocate until its capped heap
 * runs out, the way a document built to overload a parser would.
 */
import { parentPort } from 'node:worker_threads';
import { inspectBuffer } from '../../src/main/understanding/inspect.ts';

parentPort!.postMessage({ id: 0, ready: true });
parentPort!.on('message', (request: { id: number; bytes: Uint8Array; options: { name: string } }) => {
  if (request.options.name === 'oom.xml') {
    const hoard: string[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `${i}-${hoard.length}`));
  }
  void inspectBuffer(request.bytes, request.options).then((result) => parentPort!.postMessage({ id: request.id, ok: true, result }));
});
