/**
 * The answering side's PDQ index, kept between pushes. Until stop 20 a node read every PDQ value
 * its sharing cases hold and built a multi-index over them for each push it answered: fine for
 * thousands, seconds a push for millions. Now a node keeps one index of all its PDQ identifiers in
 * memory and adds only those stored since the last push (identifier ids only grow, and a value
 * never changes). What the index finds is a candidate only: the sharing policy, the type list and
 * the media quality are applied to the few candidates at answer time (pdq.ts), so a case that
 * stops sharing, or is purged, stops matching at once, as with a freshly built index.
 */
import { sql, type Kysely } from 'kysely';
import { isPdqHex, PDQ_WORDS, wordsToHex } from '../media/pdq/hamming.ts';
import { PdqIndex, type PdqBatchMatches } from '../media/pdq/index-mih.ts';
import type { Database } from '../store/index.ts';

/** Identifiers read per statement while catching up (the first push after start-up reads them all). */
const READ_BATCH = 50_000;

export interface PdqCandidate {
  identifierId: string;
  value: string;
}

export class KeptPdqIndex {
  private readonly index = new PdqIndex();
  /** The identifier of each value in the index, by the index's id (the value itself is in the index). */
  private readonly identifierIds: string[] = [];
  private lastId = '0';
  private catchingUp: Promise<void> = Promise.resolve();

  /** Adds the PDQ identifiers stored since the last call. Calls at once run one after the other (no value is added twice). */
  catchUp(db: Kysely<Database>): Promise<void> {
    this.catchingUp = this.catchingUp.catch(() => undefined).then(() => this.readNew(db));
    return this.catchingUp;
  }

  private async readNew(db: Kysely<Database>): Promise<void> {
    for (;;) {
      const rows = await sql<{ id: string; value: string }>`
        SELECT id, value FROM identifiers WHERE type = 'pdq' AND id > ${this.lastId} ORDER BY id LIMIT ${READ_BATCH}`.execute(db);
      for (const row of rows.rows) {
        // Stored PDQ values are normalised (lowercase hex) at extraction; anything else could not be matched anyway.
        if (isPdqHex(row.value)) {
          this.index.add(row.value);
          this.identifierIds.push(row.id);
        }
        this.lastId = row.id;
      }
      if (rows.rows.length < READ_BATCH) return;
    }
  }

  /**
   * For each query (its 8 orientations, back to back in `variants`), the values held within
   * `threshold` bits of any of them, nearest first.
   */
  near(variants: Uint32Array, threshold: number): (PdqCandidate & { distance: number })[][] {
    const queries = variants.length / (8 * PDQ_WORDS);
    if (this.identifierIds.length === 0) return Array.from({ length: queries }, () => []);
    const found: PdqBatchMatches = this.index.queryBatch(variants, { threshold, variants: 8 });
    return Array.from({ length: queries }, (_, q) => {
      const matches: (PdqCandidate & { distance: number })[] = [];
      for (let m = found.starts[q]!; m < found.starts[q + 1]!; m++) {
        const id = found.id[m]!;
        matches.push({ identifierId: this.identifierIds[id]!, value: wordsToHex(this.index.wordsOf(id)), distance: found.distance[m]! });
      }
      return matches.sort((a, b) => a.distance - b.distance);
    });
  }
}

// One index per node object: a server answers with the same node for as long as it runs.
const kept = new WeakMap<object, KeptPdqIndex>();

/** The node's kept index, caught up with the store. */
export async function keptPdqIndex(owner: object, db: Kysely<Database>): Promise<KeptPdqIndex> {
  let index = kept.get(owner);
  if (!index) {
    index = new KeptPdqIndex();
    kept.set(owner, index);
  }
  await index.catchUp(db);
  return index;
}
