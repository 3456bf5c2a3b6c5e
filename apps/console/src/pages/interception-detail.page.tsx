import { unwrap } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { Badge } from '../components/badges';
import { formatDateTime, formatDuration, formatNumber, formatUsd } from '../components/format';
import { ErrorState, Loading } from '../components/states';
import { useLoad } from '../components/use-load';
import { Link } from '../router';

const SOURCES: Record<string, string> = { pool: 'the key pool', stored: "the user's stored key", request: 'a key sent with the request' };

export function InterceptionDetailPage({ id }: { id: string }) {
  const { api } = useConsole();
  const detail = useLoad(() => unwrap(api.GET('/admin/v1/interceptions/{id}', { params: { path: { id } } })), [id]);
  const item = detail.data;

  return (
    <>
      <p>
        <Link to="/interceptions">← All interceptions</Link>
      </p>
      <h1>Interception</h1>
      {detail.error && <ErrorState error={detail.error} what="this interception" onRetry={detail.reload} />}
      {!item && !detail.error && <Loading what="the interception" />}
      {item && (
        <>
          <p className="muted">
            <code>{item.id}</code>
          </p>
          <div className="detail-grid">
            <section className="card" aria-labelledby="request-heading">
              <h2 id="request-heading">Request</h2>
              <dl className="fields">
                <dt>Status</dt>
                <dd>
                  <Badge value={item.status} />
                </dd>
                <dt>User</dt>
                <dd>
                  <Link to={`/interceptions?user=${encodeURIComponent(item.initiatorId)}`}>{item.initiatorId}</Link>
                </dd>
                {item.requestedModel !== null && (
                  <>
                    <dt>Model alias</dt>
                    <dd>
                      {item.requestedModel} <span className="muted">served by {item.providerName}/{item.model}</span>
                    </dd>
                  </>
                )}
                <dt>Provider</dt>
                <dd>
                  {item.providerName} ({item.provider})
                </dd>
                <dt>Model</dt>
                <dd>{item.model}</dd>
                <dt>Streaming</dt>
                <dd>{item.streaming ? 'yes' : 'no'}</dd>
                <dt>Client</dt>
                <dd>
                  {item.client} <span className="muted">{item.userAgent}</span>
                </dd>
                <dt>Started</dt>
                <dd>{formatDateTime(item.startedAt)}</dd>
                <dt>Ended</dt>
                <dd>{formatDateTime(item.endedAt)}</dd>
                <dt>Duration</dt>
                <dd>{formatDuration(item.durationMs)}</dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="credential-heading">
              <h2 id="credential-heading">Credential</h2>
              <dl className="fields">
                <dt>Kind</dt>
                <dd>{item.credentialKind === 'byok' ? 'bring your own key' : 'centralized'}</dd>
                <dt>Source</dt>
                <dd>{SOURCES[item.credentialSource] ?? item.credentialSource}</dd>
                <dt>Key hint</dt>
                <dd>
                  <code>{item.credentialHint || '—'}</code>
                </dd>
              </dl>
              <h2>Trace</h2>
              {item.traceUrl ? (
                <p>
                  <a href={item.traceUrl} target="_blank" rel="noreferrer">
                    Open the trace in Jaeger<span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                </p>
              ) : (
                <p className="muted">
                  No trace link: set <code>console.jaegerUrl</code> in the configuration to link each interception to its trace.
                </p>
              )}
            </section>
          </div>
          {item.errorType && (
            <section className="card card-error" aria-labelledby="error-heading">
              <h2 id="error-heading">Error</h2>
              <p>
                <code>{item.errorType}</code> {item.errorMessage}
              </p>
            </section>
          )}
          <section className="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">Token usage and cost</h2>
            <dl className="stats">
              <div>
                <dt>Input</dt>
                <dd>{formatNumber(item.inputTokens)}</dd>
              </div>
              <div>
                <dt>Output</dt>
                <dd>{formatNumber(item.outputTokens)}</dd>
              </div>
              <div>
                <dt>Cache read / write</dt>
                <dd>
                  {formatNumber(item.cacheReadTokens)} / {formatNumber(item.cacheWriteTokens)}
                </dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>{formatUsd(item.costUsd)}</dd>
              </div>
            </dl>
            {item.tokenUsages.length === 0 ? (
              <p>No upstream response reported usage{item.status === 'in_flight' ? ' yet' : ''}.</p>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-label="Upstream responses">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Upstream response</th>
                      <th scope="col" className="number">
                        Input
                      </th>
                      <th scope="col" className="number">
                        Output
                      </th>
                      <th scope="col" className="number">
                        Cache read
                      </th>
                      <th scope="col" className="number">
                        Cache write
                      </th>
                      <th scope="col">Extra</th>
                      <th scope="col" className="number">
                        Cost
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {item.tokenUsages.map((usage) => (
                      <tr key={usage.providerResponseId + usage.createdAt}>
                        <td>
                          <code>{usage.providerResponseId}</code>
                        </td>
                        <td className="number">{formatNumber(usage.inputTokens)}</td>
                        <td className="number">{formatNumber(usage.outputTokens)}</td>
                        <td className="number">{formatNumber(usage.cacheReadTokens)}</td>
                        <td className="number">{formatNumber(usage.cacheWriteTokens)}</td>
                        <td>
                          {Object.entries(usage.extra)
                            .map(([name, value]) => `${name}: ${formatNumber(value)}`)
                            .join(', ') || '—'}
                        </td>
                        <td className="number">{usage.priced ? formatUsd(usage.costMicros / 1_000_000) : 'no price for this model'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {item.priceVersion && <p className="muted">Priced with table {item.priceVersion}.</p>}
          </section>
        </>
      )}
    </>
  );
}
