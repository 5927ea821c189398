/**
 * A subject: one real person as resolution sees them — the records of every case that were tied
 * together, each with the reasons and the analyst's confirm/reject.
 */
import { Loading, Problem } from '../components/common.tsx';
import { HitNotices } from '../components/HitNotices.tsx';
import { MatchReasons } from '../components/MatchReasons.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, chartUrl, entityUrl, Link } from '../router.tsx';
import type { Subject } from '../types.ts';
import { TimelineTab } from './Timeline.tsx';

export function SubjectScreen({ id }: { id: string }) {
  const answer = useFetch<Subject | { subject: Subject }>(`/api/subjects/${encodeURIComponent(id)}`);
  const subject = answer.data && 'subject' in answer.data ? answer.data.subject : (answer.data as Subject | undefined);
  const title = subject?.label ?? `Subject ${id}`;
  useTitle(title);
  if (answer.loading && !subject) return <Loading what="Loading the subject" />;
  if (answer.error) return <Problem error={answer.error} what={`open subject ${id}`} />;
  if (!subject) return null;
  const labelOf = (entity: string) => subject.members.find((member) => member.entity === entity.replace(/^e/, ''))?.label ?? `record ${entity}`;
  const cases = [...new Set(subject.members.map((member) => member.case))];
  return (
    <div className="subject">
      <div className="title-row">
        <h1>
          <span className="kind-badge kind-subject">subject</span> {title}
        </h1>
        <Link className="button primary" to={chartUrl(`s${subject.id}`)}>
          Open in link chart
        </Link>
      </div>
      <p className="muted">
        {subject.members.length} records in {cases.length} {cases.length === 1 ? 'case' : 'cases'}:{' '}
        {cases.map((ref, index) => (
          <span key={ref}>
            {index > 0 && ', '}
            <Link to={caseUrl(ref)}>{ref}</Link>
          </span>
        ))}
      </p>
      <HitNotices notices={subject.hits} title="Also held by another agency" />
      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">Records and why they are one person</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Case</th>
              <th scope="col">Source and key</th>
              <th scope="col" className="num">
                Score
              </th>
              <th scope="col">Reasons</th>
            </tr>
          </thead>
          <tbody>
            {subject.members.map((member) => (
              <tr key={member.entity}>
                <th scope="row" className="wrap">
                  <Link to={entityUrl(member.entity)}>{member.label}</Link>
                </th>
                <td>
                  <Link to={caseUrl(member.case)}>{member.case}</Link>
                </td>
                <td className="wrap small">
                  {member.source ?? '?'} · <code className="wrap">{member.key}</code>
                </td>
                <td className="num">{member.score === null ? '—' : member.score.toFixed(3)}</td>
                <td>
                  <MatchReasons entity={member.entity} reasons={member.reasons ?? []} labelOf={labelOf} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="subject-timeline">
        <h2 id="subject-timeline">Timeline across cases</h2>
        <TimelineTab reference={`s${subject.id}`} compact />
      </section>
    </div>
  );
}
