/** Cases like this one, best first, each with the reasons in words and the shared items behind them. */
import { listOf } from '../api.ts';
import { Empty, Loading, Problem } from '../components/common.tsx';
import { useFetch } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import type { SimilarCase } from '../types.ts';

export function SimilarTab({ caseRef }: { caseRef: string }) {
  const answer = useFetch<unknown>(`/api/cases/${encodeURIComponent(caseRef)}/similar`);
  const list = listOf<SimilarCase>(answer.data, 'similar', 'cases');
  return (
    <section className="panel" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar cases</h2>
      {answer.loading && <Loading what="Comparing cases" />}
      <Problem error={answer.error} what="compare cases" />
      {answer.data !== undefined && list.length === 0 && (
        <Empty>No other case you may see shares enough with this one (people, accounts, cards, emails, images or rooms). Shared IP addresses alone do not count.</Empty>
      )}
      {list.length > 0 && (
        <ol className="similar-list">
          {list.map((item) => (
            <li key={item.case} className="similar">
              <div className="hit-head">
                <Link to={caseUrl(item.case)}>
                  <strong>{item.case}</strong>
                </Link>{' '}
                <span className="muted">{item.agency}</span> <span className="score" aria-label={`score ${item.score}`}>score {item.score.toFixed(2)}</span>
              </div>
              <ul className="reasons" aria-label={`Why ${item.case} is similar`}>
                {item.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              {item.shared.length > 0 && (
                <details>
                  <summary>What is shared ({item.shared.length})</summary>
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">What</th>
                        <th scope="col">Value</th>
                        <th scope="col" className="num">
                          Cases holding it
                        </th>
                        <th scope="col" className="num">
                          Adds
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {item.shared.map((shared, index) => (
                        <tr key={index}>
                          <td>{shared.type ?? shared.what.replace(/_/g, ' ')}</td>
                          <td className="wrap">{shared.label}</td>
                          <td className="num">{shared.cases ?? '—'}</td>
                          <td className="num">{shared.weight.toFixed(2)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
