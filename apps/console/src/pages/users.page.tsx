import { useState, type FormEvent } from 'react';
import { ApiFailure, listAllUsers, unwrap, type Schemas } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { LimitFields, limitDraft, limitSetFromDraft, LimitsForm, ModelPolicyForm, PolicyFields, policyDraft, policyFromDraft } from '../components/access-fields';
import { formatLimitSet, formatModelPolicy } from '../components/access-format';
import { CopyButton } from '../components/copy-button';
import { formatDateTime } from '../components/format';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { useLoad } from '../components/use-load';
import { Link, navigate, useLocation } from '../router';

type ByokMode = Schemas['ByokMode'];
const MODE_LABELS: Record<ByokMode, string> = {
  disabled: 'disabled: always the key pool',
  prefer: 'prefer: their own key when they have one',
  require: 'require: only their own key',
};

export function UsersPage() {
  const { api } = useConsole();
  const selected = useLocation().query.get('user') ?? undefined;
  const users = useLoad(() => listAllUsers(api), []);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();
  const [draft, setDraft] = useState({ id: '', displayName: '', byokMode: '' });

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const user = await unwrap(
        api.POST('/admin/v1/users', { body: { id: draft.id.trim(), displayName: draft.displayName.trim(), byokMode: (draft.byokMode || null) as ByokMode | null } }),
      );
      setNotice({ tone: 'success', text: `User ${user.id} created. Issue them a token below.` });
      setDraft({ id: '', displayName: '', byokMode: '' });
      users.reload();
      navigate(`/users?user=${encodeURIComponent(user.id)}`);
    } catch (error) {
      setNotice({ tone: 'error', text: `Could not create the user: ${(error as ApiFailure).message}` });
    }
  };

  return (
    <>
      <h1>Users &amp; tokens</h1>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      <div className="two-columns">
        <section className="card" aria-labelledby="users-heading">
          <h2 id="users-heading">Users</h2>
          {users.error && <ErrorState error={users.error} what="users" onRetry={users.reload} />}
          {!users.data && !users.error && <Loading what="users" />}
          {users.data && users.data.length === 0 && (
            <Empty title="No users yet.">
              <p>Create one below, then issue them a gateway token. Users of the config file's tokens need no entry here.</p>
            </Empty>
          )}
          {users.data && users.data.length > 0 && (
            <ul className="user-list">
              {users.data.map((user) => (
                <li key={user.id}>
                  <button
                    type="button"
                    className={user.id === selected ? 'user-button selected' : 'user-button'}
                    aria-current={user.id === selected ? 'true' : undefined}
                    onClick={() => navigate(`/users?user=${encodeURIComponent(user.id)}`)}
                  >
                    <span className="user-id">{user.id}</span>
                    {user.displayName && <span className="muted"> {user.displayName}</span>}
                    <span className="muted"> · BYOK {user.effectiveByokMode}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h3>Create a user</h3>
          <form onSubmit={create} className="stack">
            <label htmlFor="new-user-id">User id</label>
            <input
              id="new-user-id"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._@\-]{0,127}"
              value={draft.id}
              onChange={(event) => setDraft({ ...draft, id: event.target.value })}
              aria-describedby="new-user-id-help"
            />
            <p id="new-user-id-help" className="help">
              Recorded on each of their requests. Letters, digits and <code>. _ @ -</code>, e.g. <code>alice</code> or <code>alice@example.com</code>.
            </p>
            <label htmlFor="new-user-name">Display name (optional)</label>
            <input id="new-user-name" value={draft.displayName} onChange={(event) => setDraft({ ...draft, displayName: event.target.value })} />
            <label htmlFor="new-user-mode">Bring your own key</label>
            <select id="new-user-mode" value={draft.byokMode} onChange={(event) => setDraft({ ...draft, byokMode: event.target.value })}>
              <option value="">the deployment default</option>
              {(Object.keys(MODE_LABELS) as ByokMode[]).map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_LABELS[mode]}
                </option>
              ))}
            </select>
            <button type="submit">Create user</button>
          </form>
        </section>
        {selected ? (
          <UserPanel key={selected} userId={selected} onChanged={users.reload} />
        ) : (
          <section className="card">
            <Empty title="Select a user">
              <p>to see and issue their tokens, revoke one, or change their bring-your-own-key mode.</p>
            </Empty>
          </section>
        )}
      </div>
    </>
  );
}

function UserPanel({ userId, onChanged }: { userId: string; onChanged: () => void }) {
  const { api } = useConsole();
  const user = useLoad(() => unwrap(api.GET('/admin/v1/users/{id}', { params: { path: { id: userId } } })), [userId]);
  const tokens = useLoad(() => unwrap(api.GET('/admin/v1/users/{id}/tokens', { params: { path: { id: userId }, query: { limit: 200 } } })), [userId]);
  const keys = useLoad(() => unwrap(api.GET('/admin/v1/users/{id}/keys', { params: { path: { id: userId } } })), [userId]);
  const [issued, setIssued] = useState<Schemas['IssuedToken'] | undefined>();
  const [tokenDraft, setTokenDraft] = useState(emptyTokenDraft);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();

  const act = async (action: () => Promise<string>) => {
    try {
      setNotice({ tone: 'success', text: await action() });
    } catch (error) {
      setNotice({ tone: 'error', text: (error as ApiFailure).message });
    }
  };
  const issue = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const token = await unwrap(api.POST('/admin/v1/users/{id}/tokens', { params: { path: { id: userId } }, body: tokenRequest(tokenDraft) }));
      setIssued(token);
      setTokenDraft(emptyTokenDraft);
      tokens.reload();
      return `Token ${token.hint} issued.`;
    });
  };
  const revoke = (token: Schemas['Token']) => {
    if (!window.confirm(`Revoke token ${token.hint}${token.name ? ` (${token.name})` : ''}? Clients using it are refused within seconds.`)) return;
    void act(async () => {
      await unwrap(api.DELETE('/admin/v1/tokens/{id}', { params: { path: { id: token.id } } }));
      if (issued?.id === token.id) setIssued(undefined);
      tokens.reload();
      return `Token ${token.hint} revoked: every replica refuses it within seconds.`;
    });
  };
  const setMode = (mode: string) =>
    act(async () => {
      const updated = await unwrap(api.PATCH('/admin/v1/users/{id}', { params: { path: { id: userId } }, body: { byokMode: (mode || null) as ByokMode | null } }));
      user.reload();
      onChanged();
      return `Bring your own key for ${userId}: ${updated.byokMode ?? `the deployment default (${updated.effectiveByokMode})`}.`;
    });
  const setAccess = (body: Pick<Schemas['UpdateUser'], 'limits'> | Pick<Schemas['UpdateUser'], 'models'>) =>
    act(async () => {
      const updated = await unwrap(api.PATCH('/admin/v1/users/{id}', { params: { path: { id: userId } }, body }));
      user.reload();
      return 'limits' in body
        ? `Limits of ${userId}: ${formatLimitSet(updated.limits, 'the deployment default (limits.default)')}.`
        : `Model access of ${userId}: ${formatModelPolicy(updated.models, 'no policy of their own')}.`;
    });

  return (
    <section className="card" aria-labelledby="user-heading">
      <h2 id="user-heading">{userId}</h2>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {user.error && <ErrorState error={user.error} what={`user ${userId}`} onRetry={user.reload} />}
      {user.data && (
        <div className="stack">
          <label htmlFor="user-mode">Bring your own key</label>
          <select id="user-mode" value={user.data.byokMode ?? ''} onChange={(event) => void setMode(event.target.value)}>
            <option value="">the deployment default ({user.data.effectiveByokMode})</option>
            {(Object.keys(MODE_LABELS) as ByokMode[]).map((mode) => (
              <option key={mode} value={mode}>
                {MODE_LABELS[mode]}
              </option>
            ))}
          </select>
          <p>
            Teams:{' '}
            {user.data.teams.length === 0
              ? 'none'
              : user.data.teams.map((team, index) => (
                  <span key={team}>
                    {index > 0 && ', '}
                    <Link to={`/teams?team=${encodeURIComponent(team)}`}>{team}</Link>
                  </span>
                ))}
          </p>
          <h3>Limits</h3>
          <p className="help">
            {user.data.limits ? 'Their own limits replace the deployment default (limits.default).' : 'None of their own: the deployment default (limits.default) applies.'}
          </p>
          <LimitsForm
            key={`limits:${JSON.stringify(user.data.limits)}`}
            idPrefix="user"
            limits={user.data.limits}
            clearLabel="Use the deployment default"
            onSave={(limits) => void setAccess({ limits })}
          />
          <h3>Model access</h3>
          <ModelPolicyForm key={`models:${JSON.stringify(user.data.models)}`} idPrefix="user" policy={user.data.models} onSave={(models) => void setAccess({ models })} />
        </div>
      )}

      <h3>Gateway tokens</h3>
      {issued && (
        <div className="issued" role="group" aria-labelledby="issued-label">
          <p id="issued-label">
            <strong>New token for {userId}: copy it now, it is not shown again.</strong>
          </p>
          <input aria-label="New gateway token" readOnly value={issued.token} className="token-value" onFocus={(event) => event.target.select()} />
          <CopyButton text={issued.token} label="Copy token" />
          <button type="button" className="button-secondary" onClick={() => setIssued(undefined)}>
            Done
          </button>
        </div>
      )}
      <form onSubmit={issue} className="stack">
        <label htmlFor="token-name">Token name (optional)</label>
        <input id="token-name" value={tokenDraft.name} placeholder="e.g. laptop" onChange={(event) => setTokenDraft({ ...tokenDraft, name: event.target.value })} />
        <details>
          <summary>Scope (optional): expiry, team, limits, model access</summary>
          <div className="stack">
            <label htmlFor="token-expires">Expires (UTC)</label>
            <input
              id="token-expires"
              type="datetime-local"
              value={tokenDraft.expiresAt}
              aria-describedby="token-expires-help"
              onChange={(event) => setTokenDraft({ ...tokenDraft, expiresAt: event.target.value })}
            />
            <p id="token-expires-help" className="help">
              Blank: never. Every replica refuses the token from then on.
            </p>
            <label htmlFor="token-team">Counts against</label>
            <select id="token-team" value={tokenDraft.team} onChange={(event) => setTokenDraft({ ...tokenDraft, team: event.target.value })}>
              <option value="">every team of {userId}</option>
              {(user.data?.teams ?? []).map((team) => (
                <option key={team} value={team}>
                  team {team} only
                </option>
              ))}
            </select>
            <LimitFields idPrefix="token" draft={tokenDraft.limits} onChange={(limits) => setTokenDraft({ ...tokenDraft, limits })} legend="Token limits" />
            <PolicyFields idPrefix="token" draft={tokenDraft.models} onChange={(models) => setTokenDraft({ ...tokenDraft, models })} legend="Token model access" />
          </div>
        </details>
        <button type="submit">Issue token</button>
      </form>
      {tokens.error && <ErrorState error={tokens.error} what="tokens" onRetry={tokens.reload} />}
      {tokens.data && tokens.data.items.length === 0 && <p>No tokens yet: issue one above.</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`Tokens of ${userId}`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Issued</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => (
                <tr key={token.id}>
                  <td>
                    <code>{token.hint}</code>
                  </td>
                  <td>{token.name || '—'}</td>
                  <td className="token-scope">{tokenScope(token)}</td>
                  <td>{formatDateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}</td>
                  <td>{tokenStatus(token, Date.now())}</td>
                  <td>
                    {!token.revokedAt && (
                      <button type="button" className="button-danger" onClick={() => revoke(token)}>
                        Revoke <span className="visually-hidden">token {token.hint}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>Stored provider keys</h3>
      {keys.error && <ErrorState error={keys.error} what="stored keys" onRetry={keys.reload} />}
      {keys.data && keys.data.keys.length === 0 && <p>None: {userId} has not stored a key of their own.</p>}
      {keys.data && keys.data.keys.length > 0 && (
        <ul>
          {keys.data.keys.map((key) => (
            <li key={key.provider}>
              {key.provider}: <code>{key.hint}</code>
              {key.baseUrl && <> at {key.baseUrl}</>} <span className="muted">(last used {formatDateTime(key.lastUsedAt)})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const emptyTokenDraft = { name: '', expiresAt: '', team: '', limits: limitDraft(null), models: policyDraft(null) };

/** The issue request: only what was filled in; the expiry input is read as UTC. */
function tokenRequest(draft: typeof emptyTokenDraft) {
  const limits = limitSetFromDraft(draft.limits);
  const models = policyFromDraft(draft.models);
  return {
    name: draft.name.trim(),
    ...(draft.expiresAt && { expiresAt: new Date(`${draft.expiresAt}Z`).toISOString() }),
    ...(draft.team && { team: draft.team }),
    ...(limits && { limits }),
    ...(models && { models }),
  };
}

function tokenScope(token: Schemas['Token']): string {
  const parts = [
    token.team && `team ${token.team}`,
    token.limits && formatLimitSet(token.limits, ''),
    token.models && formatModelPolicy(token.models, ''),
  ].filter((part) => part);
  return parts.length > 0 ? parts.join('; ') : '—';
}

function tokenStatus(token: Schemas['Token'], nowMs: number): string {
  if (token.revokedAt) return `revoked ${formatDateTime(token.revokedAt)}`;
  if (token.expiresAt && Date.parse(token.expiresAt) <= nowMs) return `expired ${formatDateTime(token.expiresAt)}`;
  return token.expiresAt ? `active until ${formatDateTime(token.expiresAt)}` : 'active';
}
