// A worker thread doing PSI point operations for points.ts: plain JavaScript, so it starts without
// the main thread's TypeScript loader, and it runs psi.ts itself through tsx — one implementation.
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const psi = await tsImport('./psi.ts', import.meta.url);

parentPort.on('message', ({ id, op, key, selectors, points }) => {
  try {
    const scalar = psi.scalarOf(key);
    const result = op === 'blind' ? psi.blindSelectors(selectors, scalar) : psi.reblindPoints(points, scalar);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error), psi: error?.name === 'PsiError' });
  }
});
