/**
 * A resolution run over the store. Full: every person entity compared and clustered with a
 * freshly trained model. Incremental (the default once a full run has trained a model): only
 * people not yet in any subject, and the members of subjects an analyst's reject now splits,
 * are compared — with everyone who shares a block with them — and scored with the stored model;
 * existing subjects stay as they are unless a new record joins (or bridges) them. Subjects keep
 * their ids while their membership is unchanged or grows. Every member carries its score and
 * the reasons (field weights) that tied it to its subject.
 */
import { randomUUID } from 'node:crypto';
import { policeOperatedEntities } from '../access/index.ts';
import { appendAudit, lastResolutionRun, latestDecisions, loadPeople, writeResolution, type MemberWrite, type PeopleColumns, type Store, type SubjectWrite } from '../store/index.ts';
import { comparisonOf, FIELD_NAMES, FIELDS, prepareRecords, type PersonRecord } from './compare.ts';
import { weights, type Parameters } from './fellegi-sunter.ts';
import { bestPairs, DEFAULT_THRESHOLD, resolveOnThreads, type Decision, type Resolution } from './resolve.ts';

export interface RunReport {
  run: string;
  mode: 'full' | 'incremental';
  /** Why a run asked to be incremental was full. */
  reason?: string;
  threshold: number;
  people: number;
  /** People compared in this run: all in a full run; the new and affected ones in an incremental run. */
  resolved: number;
  candidatePairs: number;
  subjects: number;
  /** Subjects of more than one record: where resolution found the same person twice or more. */
  linked: number;
  /** Subjects created by this run, and subjects whose membership it changed. */
  created: number;
  changed: number;
  seconds: number;
  /** Where the time went: reading people, resolving in memory, writing subjects. */
  phases: { load: number; resolve: number; write: number };
}

/** A stored model is used only if it has the shape this code weighs with (a changed comparison invalidates it). */
function storedParameters(value: unknown): Parameters | undefined {
  const candidate = value as Partial<Parameters> | null;
  if (!candidate || typeof candidate.prior !== 'number' || !candidate.m || !candidate.u) return undefined;
  for (const field of FIELD_NAMES) {
    for (const table of [candidate.m[field], candidate.u[field]]) {
      if (!Array.isArray(table) || table.length !== FIELDS[field].length || !table.every((value) => typeof value === 'number' && value > 0)) return undefined;
    }
  }
  return candidate as Parameters;
}

function personRecords(people: PeopleColumns): PersonRecord[] {
  const records = new Array<PersonRecord>(people.count);
  for (let index = 0; index < people.count; index++) {
    let firstName = people.firstName[index];
    let lastName = people.lastName[index];
    const full = people.fullName[index];
    if ((!firstName || !lastName) && full) {
      const parts = full.trim().split(/\s+/);
      firstName ??= parts[0];
      lastName ??= parts.length > 1 ? parts[parts.length - 1] : undefined;
    }
    records[index] = { id: people.ids[index]!, firstName, lastName, birthDate: people.birthDate[index], city: people.city[index], identifiers: people.identifiers[index]! };
  }
  return records;
}

function seconds(from: number, to = performance.now()): number {
  return Math.round((to - from) / 10) / 100;
}

/** Ids are whole numbers as text: compare as numbers. */
function olderId(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

export interface RunOptions {
  threshold?: number;
  actor: string;
  /** Resolve every person record again (default: only the new and affected ones, once a model is stored). */
  full?: boolean;
  /** With `full`: estimate the model afresh (default) or, false, score with the stored one (a re-clustering). */
  retrain?: boolean;
}

export async function runResolution(store: Store, options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const people = await loadPeople(store);
  const decisions: Decision[] = await latestDecisions(store.db);
  const last = await lastResolutionRun(store.db);
  // People carrying a selector police operate join no subject (src/access/identities.ts).
  const police = await policeOperatedEntities(store.db, { kinds: ['person'] });
  const loaded = performance.now();

  // Incremental only with a model trained on a comparable store, at the same threshold.
  let reason: string | undefined;
  const stored = last ? storedParameters(last.parameters) : undefined;
  if (options.full) reason = undefined;
  else if (!last) reason = 'no earlier run';
  else if (!stored) reason = 'the stored model does not fit this version';
  else if (last.threshold !== threshold) reason = `threshold changed from ${last.threshold}`;
  else if (people.count > 2 * last.trainedOn) reason = `people more than doubled since the model was trained (${last.trainedOn} → ${people.count})`;
  const incremental = !options.full && reason === undefined && stored !== undefined && last !== undefined;

  // Existing subjects as groups; which people to (re)resolve.
  const count = people.count;
  const groupOf = new Map<string, number>();
  const groupIds: string[] = [];
  const groups = new Int32Array(count).fill(-1);
  const groupSize: number[] = [];
  for (let index = 0; index < count; index++) {
    const subject = people.subject[index];
    if (subject === null || subject === undefined) continue;
    let group = groupOf.get(subject);
    if (group === undefined) {
      groupOf.set(subject, (group = groupIds.length));
      groupIds.push(subject);
      groupSize.push(0);
    }
    groups[index] = group;
    groupSize[group]!++;
  }
  const dirty = new Uint8Array(count);
  if (incremental) {
    for (let index = 0; index < count; index++) if (groups[index] === -1) dirty[index] = 1;
    // A reject between two members of one subject splits it: its members are resolved again.
    const indexOf = new Map(people.ids.map((id, index) => [id, index]));
    const split = new Set<number>();
    for (const decision of decisions) {
      if (decision.verdict !== 'reject') continue;
      const a = indexOf.get(decision.a);
      const b = indexOf.get(decision.b);
      if (a !== undefined && b !== undefined && groups[a]! >= 0 && groups[a] === groups[b]) split.add(groups[a]!);
    }
    // So does a police-operated identity inside a subject of several: it leaves, the rest re-form.
    for (let index = 0; index < count; index++) if (police.has(people.ids[index]!) && groups[index]! >= 0 && groupSize[groups[index]!]! > 1) split.add(groups[index]!);
    if (split.size > 0) for (let index = 0; index < count; index++) if (split.has(groups[index]!)) dirty[index] = 1;
  } else dirty.fill(1);
  const apart = new Uint8Array(count);
  for (let index = 0; index < count; index++) if (police.has(people.ids[index]!)) apart[index] = 1;
  let resolved = 0;
  for (let index = 0; index < count; index++) resolved += dirty[index]!;

  const records = prepareRecords(personRecords(people));
  const reuse = incremental || (options.full === true && options.retrain === false && stored !== undefined);
  const result = await resolveOnThreads(records, incremental ? { threshold, decisions, parameters: stored, dirty, groups, apart } : { threshold, decisions, parameters: reuse ? stored : undefined, apart });
  const plan = planSubjects(result, people, { incremental, dirty, groups, groupIds, groupSize, decisions });

  const run = randomUUID();
  const planned = performance.now();
  const { created } = await writeResolution(store, {
    run: {
      id: run,
      mode: incremental ? 'incremental' : 'full',
      threshold,
      parameters: result.parameters,
      trainedOn: reuse ? last!.trainedOn : count,
      people: count,
      resolved,
      actor: options.actor,
    },
    subjects: plan.subjects,
    reasons: plan.reasons,
    released: plan.released,
    replaceAll: !incremental,
  });
  const report: RunReport = {
    run,
    mode: incremental ? 'incremental' : 'full',
    ...(reason && !options.full ? { reason } : {}),
    threshold,
    people: count,
    resolved,
    candidatePairs: result.pairs.count,
    subjects: plan.subjectCount,
    linked: plan.linked,
    created,
    changed: plan.subjects.length - created,
    seconds: seconds(started),
    phases: { load: seconds(started, loaded), resolve: seconds(loaded, planned), write: seconds(planned) },
  };
  await appendAudit(store.db, { actor: options.actor, action: 'resolve.run', details: { ...report } });
  return report;
}

/**
 * Which subjects the run writes, and how: every cluster in a full run; in an incremental run the
 * clusters with a resolved member or that joined existing subjects. Each takes the id of the
 * existing subject it overlaps most (so a subject that is unchanged or grows keeps its id).
 */
function planSubjects(
  result: Resolution,
  people: PeopleColumns,
  context: { incremental: boolean; dirty: Uint8Array; groups: Int32Array; groupIds: string[]; groupSize: number[]; decisions: readonly Decision[] },
): { subjects: SubjectWrite[]; reasons: string[]; released: string[]; subjectCount: number; linked: number } {
  const { cluster } = result;
  const { dirty, groups, groupIds, groupSize } = context;
  const count = cluster.length;
  // Cluster roots are record indices: per-cluster facts live in typed arrays indexed by root, and
  // members in one array grouped by cluster (a counting sort) — at a million records, a Map and an
  // array per subject cost more in garbage collection than the rest of this function.
  const size = new Int32Array(count);
  for (let index = 0; index < count; index++) size[cluster[index]!]!++;
  let subjectCount = 0;
  let linked = 0;
  for (let root = 0; root < count; root++) {
    if (size[root]! > 0) subjectCount++;
    if (size[root]! > 1) linked++;
  }
  const touched = new Uint8Array(count);
  const firstGroup = new Int32Array(count).fill(-1);
  for (let index = 0; index < count; index++) {
    const root = cluster[index]!;
    if (!context.incremental || dirty[index] === 1) touched[root] = 1;
    const group = groups[index]!;
    if (group >= 0) {
      if (firstGroup[root] === -1) firstGroup[root] = group;
      else if (firstGroup[root] !== group) touched[root] = 1;
    }
  }
  const start = new Int32Array(count + 1);
  for (let root = 0; root < count; root++) start[root + 1] = start[root]! + (touched[root] === 1 ? size[root]! : 0);
  const memberList = new Int32Array(start[count]!);
  const fill = start.slice(0, count);
  const roots: number[] = []; // touched clusters, in the order of their first record
  for (let index = 0; index < count; index++) {
    const root = cluster[index]!;
    if (touched[root] !== 1) continue;
    if (fill[root] === start[root]) roots.push(root);
    memberList[fill[root]!++] = index;
  }
  const membersOf = (root: number) => memberList.subarray(start[root]!, start[root + 1]!);

  // Ids: the existing subject with the largest share of a cluster, greedily, largest shares first.
  const claims: { root: number; group: number; overlap: number }[] = [];
  const involved = new Set<number>();
  for (const root of roots) {
    let overlap: Map<number, number> | undefined; // only for clusters holding existing subjects' members
    for (const index of membersOf(root)) {
      const group = groups[index]!;
      if (group >= 0) (overlap ??= new Map()).set(group, (overlap.get(group) ?? 0) + 1);
    }
    for (const [group, shared] of overlap ?? []) {
      claims.push({ root, group, overlap: shared });
      involved.add(group);
    }
  }
  claims.sort((x, y) => y.overlap - x.overlap || (olderId(groupIds[x.group]!, groupIds[y.group]!) ? -1 : 1));
  const idOf = new Map<number, number>();
  const claimed = new Set<number>();
  for (const claim of claims) {
    if (idOf.has(claim.root) || claimed.has(claim.group)) continue;
    idOf.set(claim.root, claim.group);
    claimed.add(claim.group);
  }
  const released = [...involved].filter((group) => !claimed.has(group)).map((group) => groupIds[group]!);

  const best = bestPairs(result);
  const confirmed = new Set<string>();
  for (const decision of context.decisions) {
    if (decision.verdict !== 'confirm') continue;
    confirmed.add(decision.a);
    confirmed.add(decision.b);
  }
  // Reasons as texts per comparison pattern (the field weights), each written once.
  const reasons: string[] = [];
  const reasonOf = new Map<number, number>();
  const reasonIndex = (k: number) => {
    const code = result.pairs.pattern[k]!;
    let index = reasonOf.get(code);
    if (index === undefined) {
      reasonOf.set(code, (index = reasons.length));
      reasons.push(JSON.stringify(weights(comparisonOf(code), result.parameters)));
    }
    return index;
  };
  const subjects: SubjectWrite[] = [];
  for (const root of roots) {
    const list = membersOf(root);
    const group = idOf.get(root);
    const id = group === undefined ? null : groupIds[group]!;
    const rows: MemberWrite[] = [];
    for (const index of list) {
      const entity = people.ids[index]!;
      const k = best[index]!;
      const wasAlone = groups[index]! >= 0 && groupSize[groups[index]!] === 1;
      if (dirty[index] === 1 || (k >= 0 && wasAlone && list.length > 1)) {
        if (list.length === 1) {
          rows.push({ entity, score: 1, reason: -1, with: null, probability: null });
          continue;
        }
        const probability = k >= 0 ? result.probability[result.pairs.pattern[k]!]! : 0;
        const isConfirmed = confirmed.has(entity);
        const other = k < 0 ? null : people.ids[result.pairs.a[k] === index ? result.pairs.b[k]! : result.pairs.a[k]!]!;
        rows.push({ entity, score: Math.max(probability, isConfirmed ? 1 : 0), reason: k >= 0 ? reasonIndex(k) : isConfirmed ? -2 : -1, with: other, probability: k >= 0 ? probability : null });
      } else if (groups[index] !== group) {
        rows.push({ entity, score: null, reason: -1, with: null, probability: null }); // moves into the subject that absorbed its own
      }
    }
    let label: string | null = null;
    for (let k = 0; k < list.length && !label; k++) label = people.fullName[list[k]!] || null;
    if (rows.length > 0 || id === null) subjects.push({ id, label, members: rows });
  }
  return { subjects, reasons, released, subjectCount, linked };
}
