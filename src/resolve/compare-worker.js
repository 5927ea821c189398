// A comparison thread of compare-threads.ts: plain JavaScript, so it starts without the main
// thread's TypeScript loader, and it runs compare-threads.ts itself through tsx (as federation's
// points-worker.js does) — one implementation of the comparison on every thread.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { compareChunks, reviveRecords } = await tsImport('./compare-threads.ts', import.meta.url);

reviveRecords(workerData.records, workerData.classes);
compareChunks(workerData);
parentPort.postMessage('done');
