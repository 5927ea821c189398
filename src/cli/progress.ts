/**
 * Progress on long work: a bar on a terminal, nothing with --json or when output is piped
 * (a log should not fill with redraws).
 */
import cliProgress from 'cli-progress';
import type { OutputOptions } from './output.ts';

export interface Progress {
  update(step: { phase: string; done: number; total: number }): void;
  stop(): void;
}

export function progressReporter(options: OutputOptions, verb: string): Progress {
  if (options.json || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${verb} {phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  let started = false;
  return {
    update(step) {
      if (!started) {
        bar.start(step.total, step.done, { phase: step.phase });
        started = true;
      }
      if (step.phase !== phase) {
        phase = step.phase;
        bar.setTotal(step.total);
      }
      bar.update(step.done, { phase: step.phase });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
