import { useState } from 'react';
import { unwrap } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { Badge } from '../components/badges';
import { formatCompact, formatDateTime, formatNumber, formatPercent, formatUsd } from '../components/format';
import { Empty, ErrorState, Loading } from '../components/states';
import { TimeSeriesChart } from '../components/time-series.chart';
import { useLoad } from '../components/use-load';
import { Link } from '../router';

const RANGES = [
  { id: '1h', label: 'Last hour', bucketSeconds: 60, buckets: 60, unit: 'per minute' },
  { id: '24h', label: 'Last 24 hours', bucketSeconds: 1800, buckets: 48, unit: 'per 30 minutes' },
  { id: '7d', label: 'Last 7 days', bucketSeconds: 3 * 3600, buckets: 56, unit: 'per 3 hours' },
] as const;

export function OverviewPage() {
  const { api } = useConsole();
  const [rangeId, setRangeId] = useState<(typeof RANGES)[number]['id']>('1h');
  const range = RANGES.find((candidate) => candidate.id === rangeId)!;
  const activity = useLoad(() => {
    const stepMs = range.bucketSeconds * 1000;
    const to = new Date(Math.ceil(Date.now() / stepMs) * stepMs);
    const from = new Date(to.getTime() - range.buckets * stepMs);
    return unwrap(api.GET('/admin/v1/activity', { params: { query: { from: from.toISOString(), to: to.toISOString(), bucketSeconds: range.bucketSeconds } } }));
  }, [rangeId], 30_000);
  const failures = useLoad(() => unwrap(api.GET('/admin/v1/interceptions', { params: { query: { status: 'error', limit: 10 } } })), [], 30_000);

  const totals = activity.data?.totals;
  const buckets = activity.data?.buckets ?? [];
  return (
    <>
      <div className="page-header">
        <h1>Overview</h1>
        <label className="inline-field">
          Range
          <select value={rangeId} onChange={(event) => setRangeId(event.target.value as typeof rangeId)}>
            {RANGES.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {activity.error && <ErrorState error={activity.error} what="activity" onRetry={activity.reload} />}
      {!activity.data && !activity.error && <Loading what="activity" />}
      {totals && (
        <>
          <dl className="stats">
            <div>
              <dt>Requests</dt>
              <dd>{formatNumber(totals.interceptions)}</dd>
            </div>
            <div>
              <dt>Error rate</dt>
              <dd>{totals.interceptions > 0 ? formatPercent(totals.errors / totals.interceptions) : '—'}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{formatCompact(totals.inputTokens + totals.outputTokens + totals.cacheReadTokens + totals.cacheWriteTokens)}</dd>
            </div>
            <div>
              <dt>Spend</dt>
              <dd>{formatUsd(totals.costUsd)}</dd>
            </div>
          </dl>
          {totals.interceptions === 0 && (
            <Empty title="No requests in this range.">
              <p>
                Point a client at the gateway (base URL <code>{window.location.origin}/openai/v1</code> with a gateway token as the API key) and its
                requests show up here within seconds.
              </p>
            </Empty>
          )}
          <div className="charts">
            <TimeSeriesChart title="Requests" unit={range.unit} points={buckets.map((bucket) => ({ start: bucket.start, value: bucket.interceptions }))} format={formatNumber} />
            <TimeSeriesChart
              title="Error rate"
              unit={range.unit}
              points={buckets.map((bucket) => ({ start: bucket.start, value: bucket.interceptions > 0 ? bucket.errors / bucket.interceptions : 0 }))}
              format={formatPercent}
              overall={totals.interceptions > 0 ? `Overall ${formatPercent(totals.errors / totals.interceptions)} of ${formatNumber(totals.interceptions)} requests.` : 'No requests.'}
            />
            <TimeSeriesChart
              title="Tokens"
              unit={range.unit}
              points={buckets.map((bucket) => ({ start: bucket.start, value: bucket.inputTokens + bucket.outputTokens + bucket.cacheReadTokens + bucket.cacheWriteTokens }))}
              format={formatCompact}
            />
            <TimeSeriesChart title="Spend" unit={range.unit} points={buckets.map((bucket) => ({ start: bucket.start, value: bucket.costUsd }))} format={formatUsd} />
          </div>
        </>
      )}

      <h2>Recent failures</h2>
      {failures.error && <ErrorState error={failures.error} what="recent failures" onRetry={failures.reload} />}
      {!failures.data && !failures.error && <Loading what="recent failures" />}
      {failures.data && failures.data.items.length === 0 && <Empty title="No failed requests recorded." />}
      {failures.data && failures.data.items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Recent failures">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">User</th>
                <th scope="col">Provider</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {failures.data.items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <Link to={`/interceptions/${item.id}`}>{formatDateTime(item.startedAt)}</Link>
                  </td>
                  <td>{item.initiatorId}</td>
                  <td>{item.providerName}</td>
                  <td>{item.model}</td>
                  <td>
                    <Badge value={item.status} />
                  </td>
                  <td>
                    <code>{item.errorType}</code> {item.errorMessage}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <Link to="/interceptions?status=error">All failures</Link>
      </p>
    </>
  );
}
