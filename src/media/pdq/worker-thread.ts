/** One thread of PdqWorkerPool (worker-pool.ts): decodes and hashes the files it is sent. */
import { parentPort } from 'node:worker_threads';
import { pdqFromFile } from './decode.ts';
import type { PdqWorkerReply } from './worker-pool.ts';

parentPort!.on('message', async ({ id, file }: { id: number; file: string }) => {
  let reply: PdqWorkerReply;
  try {
    reply = { id, file, result: await pdqFromFile(file) };
  } catch (error) {
    reply = { id, file, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
