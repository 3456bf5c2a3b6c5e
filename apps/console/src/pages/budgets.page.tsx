import { useState, type FormEvent } from 'react';
import { ApiFailure, listAllUsers, unwrap, type GatewayClient, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { periodWindow, PERIOD_LABELS } from '../components/budget-period';
import { formatUsd } from '../components/format';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { UsageByModelTable } from '../components/usage-by-model.table';
import { useLoad } from '../components/use-load';

type Period = Schemas['BudgetPeriod'];
const PERIODS: Period[] = ['day', 'week', 'month'];

/** Spend per user in the current day, week and month (UTC), to set against each user's budget period. */
async function spendByPeriod(api: GatewayClient): Promise<Record<Period, Map<string, number>>> {
  const now = new Date();
  const entries = await Promise.all(
    PERIODS.map(async (period) => {
      const usage = await unwrap(api.GET('/admin/v1/usage', { params: { query: { groupBy: 'user', credentialKind: 'centralized', ...periodWindow(period, now) } } }));
      return [period, new Map(usage.rows.map((row) => [row.key, row.costUsd]))] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Period, Map<string, number>>;
}

export function BudgetsPage() {
  const { api } = useConsole();
  const users = useLoad(() => listAllUsers(api), []);
  const spend = useLoad(() => spendByPeriod(api), [], 30_000);
  const byModel = useLoad(() => unwrap(api.GET('/admin/v1/usage', { params: { query: { groupBy: 'model' } } })), [], 30_000);
  const [editing, setEditing] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();

  const save = async (user: Schemas['User'], budget: Schemas['Budget'] | null) => {
    try {
      const updated = await unwrap(api.PATCH('/admin/v1/users/{id}', { params: { path: { id: user.id } }, body: { budget } }));
      setNotice({
        tone: 'success',
        text: updated.budget
          ? `${user.id}: ${formatUsd(updated.budget.amountUsd)} ${PERIOD_LABELS[updated.budget.period]}.`
          : `${user.id} now follows the deployment default${updated.effectiveBudget ? '' : ' (no limit)'}.`,
      });
      setEditing(undefined);
      users.reload();
    } catch (error) {
      setNotice({ tone: 'error', text: `Could not save the budget of ${user.id}: ${(error as ApiFailure).message}` });
    }
  };

  return (
    <>
      <h1>Budgets &amp; usage</h1>
      <p className="lead">
        A budget limits a user's spend on the company's keys (not on their own keys) per UTC day, week or month; a request that would go over it
        is refused with a 429 <code>budget_exceeded</code> before it reaches the provider.
      </p>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {(users.error || spend.error) && <ErrorState error={(users.error ?? spend.error)!} what="budgets" onRetry={() => (users.reload(), spend.reload())} />}
      {(!users.data || !spend.data) && !users.error && !spend.error && <Loading what="budgets and spend" />}
      {users.data && users.data.length === 0 && (
        <Empty title="No users yet.">
          <p>Budgets are set per user: create users on the Users &amp; tokens page. The deployment default is <code>budgets.default</code> in the configuration.</p>
        </Empty>
      )}
      {users.data && spend.data && users.data.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Budgets per user">
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Budget</th>
                <th scope="col" className="number">
                  Spent this period<sup aria-hidden="true">*</sup>
                </th>
                <th scope="col">Used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const budget = user.effectiveBudget;
                const spent = spend.data![budget?.period ?? 'month'].get(user.id) ?? 0;
                const ratio = budget && budget.amountUsd > 0 ? spent / budget.amountUsd : 0;
                return (
                  <tr key={user.id}>
                    <td>{user.id}</td>
                    <td>
                      {budget ? `${formatUsd(budget.amountUsd)} ${PERIOD_LABELS[budget.period]}` : 'no limit'}
                      {!user.budget && budget && <span className="muted"> (default)</span>}
                    </td>
                    <td className="number">
                      {formatUsd(spent)}
                      {!budget && <span className="muted"> this month</span>}
                    </td>
                    <td>
                      {budget ? (
                        <span className="meter-cell">
                          <meter min={0} max={1} low={0.8} high={0.95} optimum={0} value={Math.min(1, ratio)} aria-label={`${user.id}: budget used`} />
                          <span>{`${Math.round(ratio * 100)}%`}</span>
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {editing === user.id ? (
                        <BudgetForm user={user} onSave={(value) => save(user, value)} onCancel={() => setEditing(undefined)} />
                      ) : (
                        <button type="button" className="button-secondary" onClick={() => setEditing(user.id)}>
                          Edit budget <span className="visually-hidden">of {user.id}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {users.data && spend.data && users.data.length > 0 && (
        <p className="help">
          <span aria-hidden="true">* </span>Spend in the user's current budget period (UTC), on every key: requests on a user's own key are included here
          but never count against the budget.
        </p>
      )}

      <h2>This month by model</h2>
      {byModel.error && <ErrorState error={byModel.error} what="usage by model" onRetry={byModel.reload} />}
      {byModel.data && byModel.data.rows.length === 0 && <Empty title="No usage recorded this month." />}
      {byModel.data && byModel.data.rows.length > 0 && (
        <UsageByModelTable usage={byModel.data} label="Usage by model this month" withTotal />
      )}
    </>
  );
}

function BudgetForm({ user, onSave, onCancel }: { user: Schemas['User']; onSave: (budget: Schemas['Budget'] | null) => void; onCancel: () => void }) {
  const [amount, setAmount] = useState(String(user.budget?.amountUsd ?? user.effectiveBudget?.amountUsd ?? ''));
  const [period, setPeriod] = useState<Period>(user.budget?.period ?? user.effectiveBudget?.period ?? 'month');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave({ amountUsd: Number(amount), period });
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label={`Budget of ${user.id}`}>
      <label htmlFor={`amount-${user.id}`}>Amount (USD)</label>
      <input id={`amount-${user.id}`} type="number" min={0} step="0.01" required value={amount} onChange={(event) => setAmount(event.target.value)} />
      <label htmlFor={`period-${user.id}`}>Period</label>
      <select id={`period-${user.id}`} value={period} onChange={(event) => setPeriod(event.target.value as Period)}>
        {PERIODS.map((option) => (
          <option key={option} value={option}>
            {PERIOD_LABELS[option]}
          </option>
        ))}
      </select>
      <button type="submit">Save</button>
      <button type="button" className="button-secondary" onClick={() => onSave(null)}>
        Use the default
      </button>
      <button type="button" className="button-secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
