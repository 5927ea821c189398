// One thread of PdqWorkerPool (worker-pool.ts): decodes and hashes the files it is sent. Plain
// JavaScript, so it starts without the main thread's TypeScript loader, and it runs decode.ts itself
// through tsx — the same way as federation's points-worker.js.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { pdqFromFile } = await tsImport('./decode.ts', import.meta.url);

parentPort.on('message', async ({ id, file }) => {
  try {
    parentPort.postMessage({ id, file, result: await pdqFromFile(file) });
  } catch (error) {
    parentPort.postMessage({ id, file, error: error instanceof Error ? error.message : String(error) });
  }
});
