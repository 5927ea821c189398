/** Subjects: resolved real-world people, each member entity with its score and reasons. */
import type { Kysely } from 'kysely';
import type { Database, Entity, Subject, SubjectMember } from '../schema.ts';

export interface NewSubjectMember {
  entity: Entity;
  score: number;
  reasons: unknown[];
}

export async function createSubject(
  db: Kysely<Database>,
  input: { label?: string; run?: string; members: NewSubjectMember[] },
): Promise<{ subject: Subject; members: SubjectMember[] }> {
  return db.transaction().execute(async (trx) => {
    const subject = await trx
      .insertInto('subjects')
      .values({ label: input.label ?? null, resolution_run: input.run ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    const members =
      input.members.length === 0
        ? []
        : await trx
            .insertInto('subject_members')
            .values(
              input.members.map((member) => ({
                subject_id: subject.id,
                entity_id: member.entity.id,
                agency_id: member.entity.agency_id,
                case_id: member.entity.case_id,
                score: member.score,
                reasons: JSON.stringify(member.reasons),
              })),
            )
            .returningAll()
            .execute();
    return { subject, members };
  });
}

export async function subjectMembers(db: Kysely<Database>, subjectId: string): Promise<SubjectMember[]> {
  return db.selectFrom('subject_members').selectAll().where('subject_id', '=', subjectId).orderBy('entity_id').execute();
}
