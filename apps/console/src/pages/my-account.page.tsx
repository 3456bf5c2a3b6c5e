import { useState, type FormEvent } from 'react';
import { ApiFailure, unwrap, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { periodWindow, PERIOD_LABELS } from '../components/budget-period';
import { formatDateTime, formatUsd } from '../components/format';
import { MyLimitsCard } from '../components/my-limits.card';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { UsageByModelTable } from '../components/usage-by-model.table';
import { useLoad } from '../components/use-load';

const MODE_TEXT: Record<Schemas['ByokMode'], string> = {
  disabled: 'Your requests always use the company’s keys; a key of your own is not used.',
  prefer: 'Your own key is used when you have stored one (or send one); otherwise the company’s keys.',
  require: 'You must use your own key: store one below, or send it with each request.',
};

export function MyAccountPage() {
  const { api } = useConsole();
  const me = useLoad(() => unwrap(api.GET('/v1/me')), []);
  const usage = useLoad(() => unwrap(api.GET('/v1/me/usage', { params: { query: { groupBy: 'model' } } })), []);
  const budgetPeriod = me.data?.effectiveBudget?.period;
  const periodSpend = useLoad(
    async () => (budgetPeriod ? unwrap(api.GET('/v1/me/usage', { params: { query: { groupBy: 'provider', credentialKind: 'centralized', ...periodWindow(budgetPeriod, new Date()) } } })) : undefined),
    [budgetPeriod],
  );
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const [draft, setDraft] = useState({ provider: '', key: '', verify: true });

  const saveKey = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const saved = await unwrap(api.PUT('/v1/me/keys/{provider}', { params: { path: { provider: draft.provider.trim() } }, body: { key: draft.key, verify: draft.verify } }));
      setDraft({ provider: '', key: '', verify: draft.verify });
      setNotice({ tone: 'success', text: `Your ${saved.provider} key ${saved.hint} is stored. Only its hint is ever shown again.` });
      me.reload();
    } catch (error) {
      setNotice({ tone: 'error', text: `Your key was not stored: ${(error as ApiFailure).message}` });
    }
  };
  const removeKey = async (provider: string) => {
    if (!window.confirm(`Remove your ${provider} key? Your ${provider} requests then use the company's keys (if your mode allows).`)) return;
    try {
      await unwrap(api.DELETE('/v1/me/keys/{provider}', { params: { path: { provider } } }));
      setNotice({ tone: 'success', text: `Your ${provider} key is removed.` });
      me.reload();
    } catch (error) {
      setNotice({ tone: 'error', text: `Could not remove your ${provider} key: ${(error as ApiFailure).message}` });
    }
  };
  const spent = periodSpend.data?.totals.costUsd ?? 0;
  const budget = me.data?.effectiveBudget;

  return (
    <>
      <h1>My account</h1>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {me.error && <ErrorState error={me.error} what="your account" onRetry={me.reload} />}
      {!me.data && !me.error && <Loading what="your account" />}
      {me.data && (
        <>
          <section className="card" aria-labelledby="me-heading">
            <h2 id="me-heading">{me.data.displayName || me.data.id}</h2>
            <dl className="fields">
              <dt>User id</dt>
              <dd>{me.data.id}</dd>
              <dt>Bring your own key</dt>
              <dd>
                <strong>{me.data.effectiveByokMode}</strong>. {MODE_TEXT[me.data.effectiveByokMode]}
              </dd>
              <dt>Budget</dt>
              <dd>
                {budget ? (
                  <>
                    {formatUsd(spent)} of {formatUsd(budget.amountUsd)} {PERIOD_LABELS[budget.period]} spent on the company’s keys{' '}
                    <meter min={0} max={1} low={0.8} high={0.95} optimum={0} value={budget.amountUsd > 0 ? Math.min(1, spent / budget.amountUsd) : 0} aria-label="Budget used" />
                  </>
                ) : (
                  'No limit on your spend.'
                )}
              </dd>
            </dl>
          </section>

          <MyLimitsCard />

          <section className="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">My provider keys</h2>
            {me.data.keys.length === 0 ? (
              <p>You have no stored key: your requests use the company’s keys{me.data.effectiveByokMode === 'require' ? ', which your mode does not allow' : ''}.</p>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-label="My provider keys">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Key</th>
                      <th scope="col">Updated</th>
                      <th scope="col">Last used</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {me.data.keys.map((key) => (
                      <tr key={key.provider}>
                        <td>{key.provider}</td>
                        <td>
                          <code>{key.hint}</code>
                          {key.baseUrl && <span className="muted"> at {key.baseUrl}</span>}
                        </td>
                        <td>{formatDateTime(key.updatedAt)}</td>
                        <td>{formatDateTime(key.lastUsedAt)}</td>
                        <td>
                          <button type="button" className="button-secondary" onClick={() => setDraft({ ...draft, provider: key.provider, key: '' })}>
                            Replace <span className="visually-hidden">my {key.provider} key</span>
                          </button>{' '}
                          <button type="button" className="button-danger" onClick={() => removeKey(key.provider)}>
                            Remove <span className="visually-hidden">my {key.provider} key</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <h3>Add or replace a key</h3>
            <form onSubmit={saveKey} className="stack">
              <label htmlFor="key-provider">Provider</label>
              <input id="key-provider" required value={draft.provider} placeholder="e.g. openai" onChange={(event) => setDraft({ ...draft, provider: event.target.value })} aria-describedby="key-provider-help" />
              <p id="key-provider-help" className="help">
                The provider's name in the gateway's routes: <code>openai</code> for <code>{window.location.origin}/openai/v1</code>.
              </p>
              <label htmlFor="key-value">Key</label>
              <input id="key-value" type="password" required autoComplete="off" spellCheck={false} value={draft.key} onChange={(event) => setDraft({ ...draft, key: event.target.value })} />
              <label className="checkbox">
                <input type="checkbox" checked={draft.verify} onChange={(event) => setDraft({ ...draft, verify: event.target.checked })} /> Check the key with the provider first
              </label>
              <button type="submit">Save key</button>
            </form>
          </section>
        </>
      )}

      <section className="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">My usage this month</h2>
        {usage.error && <ErrorState error={usage.error} what="your usage" onRetry={usage.reload} />}
        {!usage.data && !usage.error && <Loading what="your usage" />}
        {usage.data && usage.data.rows.length === 0 && (
          <Empty title="Nothing recorded this month.">
            <p>Requests you send with your gateway token show up here.</p>
          </Empty>
        )}
        {usage.data && usage.data.rows.length > 0 && (
          <UsageByModelTable usage={usage.data} label="My usage by model" />
        )}
      </section>
    </>
  );
}
