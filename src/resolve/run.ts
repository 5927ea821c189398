/**
 * A resolution run over the store: every person entity, analysts' decisions respected, subjects
 * written with each member's score and the reasons (field weights) that tied it to the subject.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit, latestDecisions, loadPeople, replaceSubjects, type NewSubject, type Store } from '../store/index.ts';
import type { PersonRecord } from './compare.ts';
import { DEFAULT_THRESHOLD, resolve, type ScoredPair } from './resolve.ts';

export interface RunReport {
  run: string;
  threshold: number;
  people: number;
  candidatePairs: number;
  subjects: number;
  /** Subjects of more than one record: where resolution found the same person twice or more. */
  linked: number;
  seconds: number;
}

function personRecord(person: { id: string; props: Record<string, unknown>; identifiers: string[] }): PersonRecord {
  const text = (name: string) => (typeof person.props[name] === 'string' ? (person.props[name] as string) : undefined);
  let firstName = text('first_name');
  let lastName = text('last_name');
  const full = text('full_name');
  if ((!firstName || !lastName) && full) {
    const parts = full.trim().split(/\s+/);
    firstName ??= parts[0];
    lastName ??= parts.length > 1 ? parts[parts.length - 1] : undefined;
  }
  return { id: person.id, firstName, lastName, birthDate: text('birth_date'), city: text('city'), identifiers: person.identifiers };
}

export async function runResolution(store: Store, options: { threshold?: number; actor: string }): Promise<RunReport> {
  const started = performance.now();
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const people = await loadPeople(store.db);
  const decisions = await latestDecisions(store.db);
  const result = resolve(people.map(personRecord), { threshold, decisions });

  // For each member: its best-scoring pair inside its subject, as the reason it is there.
  const best = new Map<string, ScoredPair>();
  const clusterOf = new Map<string, number>();
  result.clusters.forEach((cluster, index) => cluster.forEach((id) => clusterOf.set(id, index)));
  for (const pair of result.pairs) {
    if (clusterOf.get(pair.a) !== clusterOf.get(pair.b)) continue;
    for (const id of [pair.a, pair.b]) if ((best.get(id)?.probability ?? -1) < pair.probability) best.set(id, pair);
  }
  const labelOf = new Map(people.map((person) => [person.id, typeof person.props['full_name'] === 'string' ? (person.props['full_name'] as string) : null]));
  const subjects: NewSubject[] = result.clusters.map((cluster) => ({
    label: cluster.map((id) => labelOf.get(id)).find((label) => label) ?? null,
    members: cluster.map((id) => {
      const pair = best.get(id);
      const confirmed = decisions.some((d) => d.verdict === 'confirm' && (d.a === id || d.b === id));
      return {
        entityId: id,
        score: cluster.length === 1 ? 1 : Math.max(pair?.probability ?? 0, confirmed ? 1 : 0),
        reasons: pair ? [{ with: pair.a === id ? pair.b : pair.a, probability: pair.probability, fields: pair.reasons }] : confirmed ? [{ decision: 'confirmed by an analyst' }] : [],
      };
    }),
  }));
  const run = randomUUID();
  await replaceSubjects(store.db, run, subjects);
  const report: RunReport = {
    run,
    threshold,
    people: people.length,
    candidatePairs: result.pairs.length,
    subjects: subjects.length,
    linked: subjects.filter((subject) => subject.members.length > 1).length,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  await appendAudit(store.db, { actor: options.actor, action: 'resolve.run', details: { ...report } });
  return report;
}
