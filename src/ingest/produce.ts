/**
 * Parse + extract + prepare for one source: the items a format yields become store batches,
 * skipping the item ranges an interrupted run already committed. Pure computation over the
 * file: it never touches the store.
 */
import { createReadStream } from 'node:fs';
import type { IngestBatch } from '../store/index.ts';
import { BatchBuilder, type IdentifierCounts } from './prepare.ts';
import { formatByName } from './registry.ts';
import type { ParseOptions } from './types.ts';

export interface ProduceJob {
  file: string;
  format: string;
  options: ParseOptions;
  region?: string;
  secret: Uint8Array;
  batchItems: number;
  /** Item ranges already committed, in order. */
  committed: { first: number; items: number }[];
}

export interface Produced {
  batch: IngestBatch;
  /** Byte offset in the file reached by this batch (for progress). */
  bytesDone: number;
}

export async function* produceBatches(job: ProduceJob): AsyncGenerator<Produced, IdentifierCounts> {
  const format = formatByName(job.format);
  const builder = new BatchBuilder({ region: job.region, secret: Buffer.from(job.secret) }, { items: job.batchItems, mentions: 20_000, textBytes: 8 << 20 });
  let bytesDone = 0;
  let index = 0;
  let range = 0;
  const { committed } = job;
  const alreadyCommitted = (item: number) => {
    while (range < committed.length && item >= committed[range]!.first + committed[range]!.items) range++;
    return range < committed.length && item >= committed[range]!.first;
  };
  for await (const item of format.parse({ path: job.file, open: () => createReadStream(job.file, { highWaterMark: 1 << 20 }), options: job.options })) {
    if (alreadyCommitted(index++)) {
      // Batches are contiguous ranges: hand over what is pending before stepping over a committed one.
      const pending = builder.drain();
      if (pending) yield { batch: pending, bytesDone };
      builder.replay(item);
      continue;
    }
    if (item.type === 'record' && item.record.byteOffset !== undefined) bytesDone = item.record.byteOffset;
    const batch = builder.add(item);
    if (batch) yield { batch, bytesDone };
  }
  const last = builder.drain();
  if (last) yield { batch: last, bytesDone };
  return builder.identifierCounts;
}
