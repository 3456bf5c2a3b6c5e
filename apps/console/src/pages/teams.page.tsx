import { useState, type FormEvent } from 'react';
import { ApiFailure, listAllUsers, unwrap, type GatewayClient, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { LimitsForm, ModelPolicyForm } from '../components/access-fields';
import { formatLimitSet, formatModelPolicy } from '../components/access-format';
import { PERIOD_LABELS } from '../components/budget-period';
import { formatUsd } from '../components/format';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { useLoad } from '../components/use-load';
import { navigate, useLocation } from '../router';

type Team = Schemas['Team'];
type Period = Schemas['BudgetPeriod'];
const PERIODS: Period[] = ['day', 'week', 'month'];

/** Every team, following the pages (200 a page, at most `maxPages`). */
async function listAllTeams(api: GatewayClient, maxPages = 25): Promise<Team[]> {
  const teams: Team[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await unwrap(api.GET('/admin/v1/teams', { params: { query: { limit: 200, ...(after && { after }) } } }));
    teams.push(...answer.items);
    if (!answer.next) break;
    after = answer.next;
  }
  return teams;
}

export function TeamsPage() {
  const { api } = useConsole();
  const selected = useLocation().query.get('team') ?? undefined;
  const teams = useLoad(() => listAllTeams(api), []);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const [draft, setDraft] = useState({ id: '', name: '' });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const id = draft.id.trim();
      const team = await unwrap(api.POST('/admin/v1/teams', { body: { id, name: draft.name.trim() || id } }));
      setNotice({ tone: 'success', text: `Team ${team.id} created. Add members and set its limits below.` });
      setDraft({ id: '', name: '' });
      teams.reload();
      navigate(`/teams?team=${encodeURIComponent(team.id)}`);
    } catch (error) {
      setNotice({ tone: 'error', text: `Could not create the team: ${(error as ApiFailure).message}` });
    }
  };

  return (
    <>
      <h1>Teams</h1>
      <p className="lead">
        A team's rate limits and budget are shared by all its members, and its model policy applies to each of them. A request counts against every
        team of its user, or only against the team its token was issued for.
      </p>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      <div className="two-columns">
        <section className="card" aria-labelledby="teams-heading">
          <h2 id="teams-heading">Teams</h2>
          {teams.error && <ErrorState error={teams.error} what="teams" onRetry={teams.reload} />}
          {!teams.data && !teams.error && <Loading what="teams" />}
          {teams.data && teams.data.length === 0 && (
            <Empty title="No teams yet.">
              <p>Create one below, then add users to it.</p>
            </Empty>
          )}
          {teams.data && teams.data.length > 0 && (
            <ul className="user-list">
              {teams.data.map((team) => (
                <li key={team.id}>
                  <button
                    type="button"
                    className={team.id === selected ? 'user-button selected' : 'user-button'}
                    aria-current={team.id === selected ? 'true' : undefined}
                    onClick={() => navigate(`/teams?team=${encodeURIComponent(team.id)}`)}
                  >
                    <span className="user-id">{team.id}</span>
                    {team.name !== team.id && <span className="muted"> {team.name}</span>}
                    <span className="muted">
                      {' '}
                      · {team.members.length} {team.members.length === 1 ? 'member' : 'members'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h3>Create a team</h3>
          <form onSubmit={create} className="stack">
            <label htmlFor="new-team-id">Team id</label>
            <input
              id="new-team-id"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._@\-]{0,127}"
              value={draft.id}
              onChange={(event) => setDraft({ ...draft, id: event.target.value })}
              aria-describedby="new-team-id-help"
            />
            <p id="new-team-id-help" className="help">
              Letters, digits and <code>. _ @ -</code>, e.g. <code>platform</code>. Tokens name it when issued for the team.
            </p>
            <label htmlFor="new-team-name">Display name (optional)</label>
            <input id="new-team-name" value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} />
            <button type="submit">Create team</button>
          </form>
        </section>
        {selected ? (
          <TeamPanel
            key={selected}
            teamId={selected}
            onChanged={teams.reload}
            onDeleted={() => {
              setNotice({ tone: 'success', text: `Team ${selected} deleted.` });
              teams.reload();
              navigate('/teams', { replace: true });
            }}
          />
        ) : (
          <section className="card">
            <Empty title="Select a team">
              <p>to see its members, and set its limits, budget and model access.</p>
            </Empty>
          </section>
        )}
      </div>
    </>
  );
}

function TeamPanel({ teamId, onChanged, onDeleted }: { teamId: string; onChanged: () => void; onDeleted: () => void }) {
  const { api } = useConsole();
  const path = { params: { path: { id: teamId } } };
  const team = useLoad(() => unwrap(api.GET('/admin/v1/teams/{id}', path)), [teamId]);
  const users = useLoad(() => listAllUsers(api), []);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const [member, setMember] = useState('');

  const act = async (action: () => Promise<string>) => {
    try {
      setNotice({ tone: 'success', text: await action() });
      team.reload();
      onChanged();
    } catch (error) {
      setNotice({ tone: 'error', text: (error as ApiFailure).message });
    }
  };
  const patch = (body: Schemas['UpdateTeam'], done: (updated: Team) => string) =>
    act(async () => done(await unwrap(api.PATCH('/admin/v1/teams/{id}', { ...path, body }))));
  const addMember = (event: FormEvent) => {
    event.preventDefault();
    const userId = member.trim();
    void act(async () => {
      await unwrap(api.PUT('/admin/v1/teams/{id}/members/{userId}', { params: { path: { id: teamId, userId } } }));
      setMember('');
      return `${userId} is now a member of ${teamId}.`;
    });
  };
  const removeMember = (userId: string) =>
    act(async () => {
      await unwrap(api.DELETE('/admin/v1/teams/{id}/members/{userId}', { params: { path: { id: teamId, userId } } }));
      return `${userId} is no longer a member of ${teamId}.`;
    });
  const remove = () => {
    if (!window.confirm(`Delete team ${teamId}? Its members stay as users. A team with active tokens issued for it is not deleted: revoke them first.`)) return;
    unwrap(api.DELETE('/admin/v1/teams/{id}', path)).then(onDeleted, (error: ApiFailure) => setNotice({ tone: 'error', text: error.message }));
  };

  const candidates = (users.data ?? []).filter((user) => !team.data?.members.includes(user.id));
  return (
    <section className="card" aria-labelledby="team-heading">
      <h2 id="team-heading">{team.data?.name && team.data.name !== teamId ? `${team.data.name} (${teamId})` : teamId}</h2>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {team.error && <ErrorState error={team.error} what={`team ${teamId}`} onRetry={team.reload} />}
      {!team.data && !team.error && <Loading what={`team ${teamId}`} />}
      {team.data && (
        <>
          <dl className="fields">
            <dt>Limits</dt>
            <dd>{formatLimitSet(team.data.limits, 'none')}</dd>
            <dt>Budget</dt>
            <dd>{team.data.budget ? `${formatUsd(team.data.budget.amountUsd)} ${PERIOD_LABELS[team.data.budget.period]}` : 'none'}</dd>
            <dt>Model access</dt>
            <dd>{formatModelPolicy(team.data.models, 'every model the deployment allows')}</dd>
          </dl>

          <h3>Members</h3>
          {team.data.members.length === 0 && <p>No members yet.</p>}
          {team.data.members.length > 0 && (
            <ul className="member-list" aria-label={`Members of ${teamId}`}>
              {team.data.members.map((userId) => (
                <li key={userId}>
                  <span>{userId}</span>
                  <button type="button" className="button-secondary" onClick={() => void removeMember(userId)}>
                    Remove <span className="visually-hidden">{userId} from {teamId}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form onSubmit={addMember} className="inline-form">
            <label htmlFor="team-member">Add a user</label>
            <input id="team-member" required list="team-member-candidates" value={member} placeholder="user id" onChange={(event) => setMember(event.target.value)} />
            <datalist id="team-member-candidates">
              {candidates.map((user) => (
                <option key={user.id} value={user.id} />
              ))}
            </datalist>
            <button type="submit">Add member</button>
          </form>

          <h3>Limits</h3>
          <LimitsForm
            key={`limits:${JSON.stringify(team.data.limits)}`}
            idPrefix="team"
            limits={team.data.limits}
            clearLabel="Remove the team's limits"
            onSave={(limits) => void patch({ limits }, (updated) => `Limits of ${teamId}: ${formatLimitSet(updated.limits, 'none')}.`)}
          />

          <h3>Budget</h3>
          <TeamBudgetForm
            key={`budget:${JSON.stringify(team.data.budget)}`}
            team={team.data}
            onSave={(budget) =>
              void patch({ budget }, (updated) =>
                updated.budget ? `Budget of ${teamId}: ${formatUsd(updated.budget.amountUsd)} ${PERIOD_LABELS[updated.budget.period]}.` : `${teamId} has no budget.`,
              )
            }
          />

          <h3>Model access</h3>
          <ModelPolicyForm
            key={`models:${JSON.stringify(team.data.models)}`}
            idPrefix="team"
            policy={team.data.models}
            onSave={(models) => void patch({ models }, (updated) => `Model access of ${teamId}: ${formatModelPolicy(updated.models, 'every model')}.`)}
          />

          <h3>Delete</h3>
          <button type="button" className="button-danger" onClick={remove}>
            Delete team {teamId}
          </button>
        </>
      )}
    </section>
  );
}

function TeamBudgetForm({ team, onSave }: { team: Team; onSave: (budget: Schemas['Budget'] | null) => void }) {
  const [amount, setAmount] = useState(String(team.budget?.amountUsd ?? ''));
  const [period, setPeriod] = useState<Period>(team.budget?.period ?? 'month');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave({ amountUsd: Number(amount), period });
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label={`Budget of ${team.id}`}>
      <label htmlFor="team-budget-amount">Amount (USD)</label>
      <input id="team-budget-amount" type="number" min={0} step="0.01" required value={amount} onChange={(event) => setAmount(event.target.value)} aria-describedby="team-budget-help" />
      <label htmlFor="team-budget-period">Period</label>
      <select id="team-budget-period" value={period} onChange={(event) => setPeriod(event.target.value as Period)}>
        {PERIODS.map((option) => (
          <option key={option} value={option}>
            {PERIOD_LABELS[option]}
          </option>
        ))}
      </select>
      <button type="submit">Save budget</button>
      {team.budget && (
        <button type="button" className="button-secondary" onClick={() => onSave(null)}>
          Remove the budget
        </button>
      )}
      <p id="team-budget-help" className="help full-width">
        Spend on the company's keys by all members together, per UTC period; counted in addition to each member's own budget.
      </p>
    </form>
  );
}
