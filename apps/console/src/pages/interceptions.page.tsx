import { useEffect, useState, type FormEvent } from 'react';
import { ApiFailure, unwrap, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { Badge } from '../components/badges';
import { formatDateTime, formatDuration, formatNumber, formatUsd } from '../components/format';
import { Empty, ErrorState, Loading } from '../components/states';
import { useLoad } from '../components/use-load';
import { Link, navigate, useLocation } from '../router';

const FIELDS = ['user', 'provider', 'model', 'status', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];
type Filters = Record<Field, string>;

/** `datetime-local` values (`2026-12-01T09:30`, seconds optional) are read as UTC, like every time the console shows. */
function toIso(local: string): string | undefined {
  const date = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function InterceptionsPage() {
  const { api } = useConsole();
  const location = useLocation();
  const applied = Object.fromEntries(FIELDS.map((field) => [field, location.query.get(field) ?? ''])) as Filters;
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = JSON.stringify(applied);
  useEffect(() => setDraft(JSON.parse(appliedKey) as Filters), [appliedKey]);
  const [more, setMore] = useState<{ items: Schemas['Interception'][]; next: string | null }>({ items: [], next: null });

  const query = (after?: string) => ({
    ...(applied.user && { user: applied.user }),
    ...(applied.provider && { provider: applied.provider }),
    ...(applied.model && { model: applied.model }),
    ...(applied.status && { status: applied.status as Schemas['InterceptionStatus'] }),
    ...(applied.from && { from: toIso(applied.from) }),
    ...(applied.to && { to: toIso(applied.to) }),
    limit: 50,
    ...(after && { after }),
  });
  const page = useLoad(() => unwrap(api.GET('/admin/v1/interceptions', { params: { query: query() } })), [appliedKey]);
  const providers = useLoad(() => unwrap(api.GET('/admin/v1/providers')), []);
  useEffect(() => setMore({ items: [], next: null }), [appliedKey, page.data]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const search = new URLSearchParams(Object.entries(draft).filter(([, value]) => value !== ''));
    navigate(`/interceptions${search.size > 0 ? `?${search}` : ''}`);
  };
  const [moreError, setMoreError] = useState<ApiFailure | undefined>();
  const loadMore = async () => {
    const next = more.next ?? page.data?.next;
    if (!next) return;
    try {
      const answer = await unwrap(api.GET('/admin/v1/interceptions', { params: { query: query(next) } }));
      setMore((previous) => ({ items: [...previous.items, ...answer.items], next: answer.next }));
      setMoreError(undefined);
    } catch (error) {
      setMoreError(error as ApiFailure);
    }
  };
  const items = [...(page.data?.items ?? []), ...more.items];
  const next = more.items.length > 0 ? more.next : page.data?.next;
  const filtered = FIELDS.some((field) => applied[field] !== '');
  const field = (name: Field) => ({ id: `filter-${name}`, name, value: draft[name], onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }) });

  return (
    <>
      <h1>Interceptions</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter interceptions">
        <div>
          <label htmlFor="filter-user">User</label>
          <input {...field('user')} placeholder="user id" />
        </div>
        <div>
          <label htmlFor="filter-provider">Provider</label>
          <select {...field('provider')}>
            <option value="">Any</option>
            {providers.data?.providers.map((provider) => (
              <option key={provider.name} value={provider.name}>
                {provider.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-model">Model</label>
          <input {...field('model')} placeholder="e.g. gpt-4o-mini" />
        </div>
        <div>
          <label htmlFor="filter-status">Status</label>
          <select {...field('status')}>
            <option value="">Any</option>
            <option value="ok">OK</option>
            <option value="error">Error</option>
            <option value="in_flight">In flight</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-from">From (UTC)</label>
          <input {...field('from')} type="datetime-local" />
        </div>
        <div>
          <label htmlFor="filter-to">To (UTC)</label>
          <input {...field('to')} type="datetime-local" />
        </div>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          {filtered && (
            <button type="button" className="button-secondary" onClick={() => navigate('/interceptions')}>
              Clear
            </button>
          )}
        </div>
      </form>

      {page.error && <ErrorState error={page.error} what="interceptions" onRetry={page.reload} />}
      {!page.data && !page.error && <Loading what="interceptions" />}
      {page.data && items.length === 0 && (
        <Empty title={filtered ? 'No interception matches these filters.' : 'No interceptions recorded yet.'}>
          <p>{filtered ? 'Widen the time range or clear a filter.' : 'Every request a client sends through the gateway is recorded here.'}</p>
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Interceptions">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">User</th>
                <th scope="col">Provider</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Credential</th>
                <th scope="col" className="number">
                  Tokens in / out
                </th>
                <th scope="col" className="number">
                  Cost
                </th>
                <th scope="col" className="number">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <Link to={`/interceptions/${item.id}`} aria-label={`Interception of ${item.initiatorId} at ${formatDateTime(item.startedAt)}`}>
                      {formatDateTime(item.startedAt)}
                    </Link>
                  </td>
                  <td>{item.initiatorId}</td>
                  <td>{item.providerName}</td>
                  <td>
                    {item.model}
                    {item.requestedModel !== null && <span className="muted"> (alias {item.requestedModel})</span>}
                  </td>
                  <td>
                    <Badge value={item.status} />
                  </td>
                  <td>
                    {item.credentialKind === 'byok' ? 'own key' : 'pool'} <code>{item.credentialHint || '—'}</code>
                  </td>
                  <td className="number">
                    {formatNumber(item.inputTokens)} / {formatNumber(item.outputTokens)}
                  </td>
                  <td className="number">{formatUsd(item.costUsd)}</td>
                  <td className="number">{formatDuration(item.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <ErrorState error={moreError} what="older interceptions" onRetry={loadMore} />}
      {next && (
        <p>
          <button type="button" className="button-secondary" onClick={loadMore}>
            Load older interceptions
          </button>
        </p>
      )}
    </>
  );
}
