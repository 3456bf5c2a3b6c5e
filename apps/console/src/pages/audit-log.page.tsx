import { useEffect, useState, type FormEvent } from 'react';
import { ApiFailure, unwrap, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { formatDateTime } from '../components/format';
import { Empty, ErrorState, Loading } from '../components/states';
import { useLoad } from '../components/use-load';
import { navigate, useLocation } from '../router';

const FIELDS = ['actor', 'action', 'target', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];
type Filters = Record<Field, string>;

const ACTIONS: ReadonlyArray<readonly [Schemas['AuditAction'], string]> = [
  ['user.create', 'User created'],
  ['user.update', 'User changed (mode, budget, limits, models, name)'],
  ['token.issue', 'Token issued'],
  ['token.revoke', 'Token revoked'],
  ['team.create', 'Team created'],
  ['team.update', 'Team changed (limits, budget, models, name)'],
  ['team.member.add', 'Team member added'],
  ['team.member.remove', 'Team member removed'],
  ['team.delete', 'Team deleted'],
  ['pool_key.enable', 'Pool key re-enabled'],
];

/** `datetime-local` values (`2026-12-01T09:30`, seconds optional) are read as UTC, like every time the console shows. */
function toIso(local: string): string | undefined {
  const date = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** `name: laptop, hint: tg_x...abcd`: the details as an operator reads them (values are hints, never secrets). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function AuditLogPage() {
  const { api } = useConsole();
  const location = useLocation();
  const applied = Object.fromEntries(FIELDS.map((field) => [field, location.query.get(field) ?? ''])) as Filters;
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = JSON.stringify(applied);
  useEffect(() => setDraft(JSON.parse(appliedKey) as Filters), [appliedKey]);
  const [more, setMore] = useState<{ items: Schemas['AuditEntry'][]; next: string | null }>({ items: [], next: null });

  const query = (after?: string) => ({
    ...(applied.actor && { actor: applied.actor }),
    ...(applied.action && { action: applied.action as Schemas['AuditAction'] }),
    ...(applied.target && { target: applied.target }),
    ...(applied.from && { from: toIso(applied.from) }),
    ...(applied.to && { to: toIso(applied.to) }),
    limit: 50,
    ...(after && { after }),
  });
  const page = useLoad(() => unwrap(api.GET('/admin/v1/audit', { params: { query: query() } })), [appliedKey]);
  useEffect(() => setMore({ items: [], next: null }), [appliedKey, page.data]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const search = new URLSearchParams(Object.entries(draft).filter(([, value]) => value !== ''));
    navigate(`/audit${search.size > 0 ? `?${search}` : ''}`);
  };
  const [moreError, setMoreError] = useState<ApiFailure | undefined>();
  const loadMore = async () => {
    const next = more.next ?? page.data?.next;
    if (!next) return;
    try {
      const answer = await unwrap(api.GET('/admin/v1/audit', { params: { query: query(next) } }));
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
      <h1>Audit log</h1>
      <p>Every change made through the admin API, newest first. Tokens and keys appear by their hint only.</p>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        <div>
          <label htmlFor="filter-action">Action</label>
          <select {...field('action')}>
            <option value="">Any</option>
            {ACTIONS.map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-target">Target</label>
          <input {...field('target')} placeholder="user id, token id, openai/0" />
        </div>
        <div>
          <label htmlFor="filter-actor">Actor</label>
          <input {...field('actor')} placeholder="admin tg_…" />
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
            <button type="button" className="button-secondary" onClick={() => navigate('/audit')}>
              Clear
            </button>
          )}
        </div>
      </form>

      {page.error && <ErrorState error={page.error} what="the audit log" onRetry={page.reload} />}
      {!page.data && !page.error && <Loading what="the audit log" />}
      {page.data && items.length === 0 && (
        <Empty title={filtered ? 'No admin action matches these filters.' : 'No admin action recorded yet.'}>
          <p>{filtered ? 'Widen the time range or clear a filter.' : 'Creating users, issuing or revoking tokens, changing budgets and re-enabling keys are recorded here.'}</p>
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Admin actions">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.at)}</td>
                  <td>
                    <code>{entry.actor}</code>
                  </td>
                  <td>{entry.action}</td>
                  <td>{entry.target}</td>
                  <td>{detailsText(entry.details)}</td>
                  <td>
                    <code>{entry.requestId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <ErrorState error={moreError} what="older admin actions" onRetry={loadMore} />}
      {next && (
        <p>
          <button type="button" className="button-secondary" onClick={loadMore}>
            Load older actions
          </button>
        </p>
      )}
    </>
  );
}
