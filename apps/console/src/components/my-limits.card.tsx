import { unwrap, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { formatModelPolicy, LIMIT_KIND_LABELS } from './access-format';
import { formatDateTime, formatNumber } from './format';
import { ErrorState, Loading } from './states';
import { useLoad } from './use-load';

const LEVEL_LABELS = { deployment: 'This gateway', team: 'Team', user: 'You', token: 'This token' } as const;

function appliesTo(item: Schemas['MyLimitItem']): string {
  if (item.scope === 'team') return `team ${item.id}`;
  return item.scope === 'user' ? 'you' : 'this token';
}

/** The caller's own rate and concurrency limits with what is left of each, and the model policies they pass. */
export function MyLimitsCard() {
  const { api } = useConsole();
  const limits = useLoad(() => unwrap(api.GET('/v1/me/limits')), []);
  return (
    <section className="card" aria-labelledby="limits-heading">
      <div className="page-header">
        <h2 id="limits-heading">My limits</h2>
        <button type="button" className="button-secondary" onClick={limits.reload}>
          Refresh <span className="visually-hidden">my limits</span>
        </button>
      </div>
      {limits.error && <ErrorState error={limits.error} what="your limits" onRetry={limits.reload} />}
      {!limits.data && !limits.error && <Loading what="your limits" />}
      {limits.data && limits.data.items.length === 0 && <p>No rate or concurrency limit applies to you.</p>}
      {limits.data && limits.data.items.length > 0 && (
        <>
          <p className="help">
            A request must fit every limit below; past one, the gateway answers 429 with <code>Retry-After</code> and your client waits.
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="My limits">
            <table>
              <thead>
                <tr>
                  <th scope="col">Limit</th>
                  <th scope="col">Applies to</th>
                  <th scope="col" className="number">
                    Allowed
                  </th>
                  <th scope="col" className="number">
                    Remaining
                  </th>
                  <th scope="col">Full again</th>
                </tr>
              </thead>
              <tbody>
                {limits.data.items.map((item) => (
                  <tr key={`${item.scope}:${item.id}:${item.kind}`}>
                    <td>{LIMIT_KIND_LABELS[item.kind]}</td>
                    <td>{appliesTo(item)}</td>
                    <td className="number">{formatNumber(item.limit)}</td>
                    <td className="number">
                      <span className="meter-cell">
                        <meter
                          min={0}
                          max={item.limit}
                          low={item.limit * 0.2}
                          high={item.limit * 0.5}
                          optimum={item.limit}
                          value={Math.max(0, item.remaining)}
                          aria-label={`${LIMIT_KIND_LABELS[item.kind]} remaining for ${appliesTo(item)}`}
                        />
                        <span>{formatNumber(item.remaining)}</span>
                      </span>
                    </td>
                    <td>{item.resetsAt ? formatDateTime(item.resetsAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {limits.data && (
        <>
          <h3>Models I may use</h3>
          {limits.data.models.length === 0 ? (
            <p>Every model the gateway offers.</p>
          ) : (
            <ul aria-label="Model policies that apply to me">
              {limits.data.models.map((entry) => (
                <li key={`${entry.level}:${entry.id ?? ''}`}>
                  {LEVEL_LABELS[entry.level]}
                  {entry.level === 'team' && entry.id ? ` ${entry.id}` : ''}: {formatModelPolicy(entry.policy, 'every model')}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
