import { hint } from '@tollgate/keypool';
import { PostgresAdminAuditLog } from '@tollgate/sql-stores';
import { ADMIN_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

interface AuditRow {
  actor: string;
  action: string;
  target: string;
  request_id: string;
  details: Record<string, unknown>;
}

describe('admin audit log', () => {
  let identity: IdentityDatabase;
  let harness: Harness;
  const ACTOR = `admin ${hint(ADMIN_TOKEN)}`;

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    harness = await startHarness({ identityStore: identity.store, adminAuditLog: new PostgresAdminAuditLog(identity.sql) });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await identity?.drop();
  });

  function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return fetch(`${harness.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  const rows = () => identity.sql.query<AuditRow>('SELECT actor, action, target, request_id, details FROM admin_audit_log ORDER BY at, id');

  /** Runs one call and returns the audit rows it added. */
  async function added(call: () => Promise<Response>, status: number): Promise<AuditRow[]> {
    const before = (await rows()).length;
    const response = await call();
    await response.text();
    expect(response.status).toBe(status);
    return (await rows()).slice(before);
  }

  describe('each admin mutation writes exactly one entry, never a secret', () => {
    let tokenId = '';
    let token = '';

    it('creating a user', async () => {
      const response = await admin('POST', '/admin/v1/users', { id: 'alice', displayName: 'Alice', byokMode: 'prefer' }, { 'x-request-id': 'req-create-alice' });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe('req-create-alice');
      expect(await rows()).toEqual([
        { actor: ACTOR, action: 'user.create', target: 'alice', request_id: 'req-create-alice', details: { displayName: 'Alice', byokMode: 'prefer' } },
      ]);
    });

    it('changing a budget, a BYOK mode or a name', async () => {
      const budget = await added(() => admin('PATCH', '/admin/v1/users/alice', { budget: { amountUsd: 25, period: 'week' } }), 200);
      expect(budget).toEqual([
        expect.objectContaining({ action: 'user.update', target: 'alice', details: { changes: { budget: { amountUsd: 25, period: 'week' } } } }),
      ]);
      const mode = await added(() => admin('PATCH', '/admin/v1/users/alice', { byokMode: null, displayName: 'A. Liddell' }), 200);
      expect(mode).toEqual([expect.objectContaining({ action: 'user.update', details: { changes: { byokMode: null, displayName: 'A. Liddell' } } })]);
    });

    it('issuing a token: its id, name and hint, never the token', async () => {
      const before = (await rows()).length;
      const response = await admin('POST', '/admin/v1/users/alice/tokens', { name: 'laptop' });
      expect(response.status).toBe(201);
      ({ id: tokenId, token } = (await response.json()) as { id: string; token: string });
      const entries = (await rows()).slice(before);
      expect(entries).toEqual([
        expect.objectContaining({ actor: ACTOR, action: 'token.issue', target: 'alice', details: { tokenId, name: 'laptop', hint: hint(token) } }),
      ]);
      expect(entries[0].request_id).toMatch(/^[0-9a-f-]{36}$/); // none sent: the gateway's own
    });

    it('revoking a token', async () => {
      expect(await added(() => admin('DELETE', `/admin/v1/tokens/${tokenId}`), 200)).toEqual([
        expect.objectContaining({ action: 'token.revoke', target: tokenId, details: { user: 'alice', name: 'laptop', hint: hint(token) } }),
      ]);
    });

    it('putting a pool key back in service', async () => {
      expect(await added(() => admin('POST', '/admin/v1/providers/openai/keys/1/enable'), 200)).toEqual([
        expect.objectContaining({ actor: ACTOR, action: 'pool_key.enable', target: 'openai/1', details: { hint: hint(KEYS[1]) } }),
      ]);
    });

    it('reads, refused and failed calls write nothing', async () => {
      expect(await added(() => admin('GET', '/admin/v1/users'), 200)).toEqual([]);
      expect(await added(() => admin('GET', '/admin/v1/audit'), 200)).toEqual([]);
      expect(await added(() => admin('POST', '/admin/v1/users', { id: 'alice' }), 409)).toEqual([]);
      expect(await added(() => admin('PATCH', '/admin/v1/users/alice', { budget: { amountUsd: -1, period: 'day' } }), 400)).toEqual([]);
      expect(await added(() => admin('DELETE', '/admin/v1/tokens/00000000-0000-4000-8000-000000000000'), 404)).toEqual([]);
      expect(await added(() => admin('POST', '/admin/v1/providers/openai/keys/9/enable'), 404)).toEqual([]);
      const anonymous = () => fetch(`${harness.url}/admin/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"mallory"}' });
      expect(await added(anonymous, 401)).toEqual([]);
    });

    it('an unusable X-Request-Id is replaced, not stored as sent', async () => {
      const response = await admin('POST', '/admin/v1/users', { id: 'bob' }, { 'x-request-id': 'drop table; <script>' });
      expect(response.status).toBe(201);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await rows()).at(-1)).toMatchObject({ action: 'user.create', target: 'bob', request_id: requestId });
    });

    it('no token or key value is in the table or in the logs', async () => {
      const table = JSON.stringify(await identity.sql.query('SELECT * FROM admin_audit_log'));
      const logs = harness.logs.filter((line) => line.includes('"admin action"')).join('\n');
      expect(logs).toContain('token.issue');
      for (const secret of [token, ADMIN_TOKEN, ...KEYS]) {
        expect(table).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });
  });

  describe('GET /admin/v1/audit', () => {
    type ListBody = { items: Array<{ action: string; target: string; actor: string; at: string; requestId: string }>; next: string | null };
    const list = async (query: string) => {
      const response = await admin('GET', `/admin/v1/audit${query}`);
      return { status: response.status, body: (await response.json()) as ListBody };
    };

    it('lists newest first, one page at a time', async () => {
      const all = (await list('?limit=200')).body.items;
      expect(all.map((item) => item.action)).toEqual(['user.create', 'pool_key.enable', 'token.revoke', 'token.issue', 'user.update', 'user.update', 'user.create']);
      const first = await list('?limit=4');
      expect(first.body.items).toEqual(all.slice(0, 4));
      const second = await list(`?limit=4&after=${encodeURIComponent(first.body.next!)}`);
      expect(second.body).toEqual({ items: all.slice(4), next: null });
    });

    it('filters by action, target, actor and time', async () => {
      expect((await list('?action=user.update')).body.items.map((item) => item.target)).toEqual(['alice', 'alice']);
      expect((await list('?target=bob')).body.items.map((item) => item.action)).toEqual(['user.create']);
      expect((await list(`?actor=${encodeURIComponent(ACTOR)}&action=pool_key.enable`)).body.items).toHaveLength(1);
      expect((await list('?actor=someone-else')).body.items).toEqual([]);
      const oldest = (await list('?limit=200')).body.items.at(-1)!;
      expect((await list(`?to=${encodeURIComponent(oldest.at)}`)).body.items).toEqual([]);
      expect((await list(`?from=${encodeURIComponent(oldest.at)}&action=user.create`)).body.items.map((item) => item.target)).toEqual(['bob', 'alice']);
    });

    it('refuses an unknown action, a bad cursor and a caller without an admin token', async () => {
      expect(await list('?action=user.delete')).toMatchObject({ status: 400, body: { error: { type: 'invalid_request' } } });
      expect(await list('?after=nope')).toMatchObject({ status: 400, body: { error: { type: 'invalid_request' } } });
      expect((await fetch(`${harness.url}/admin/v1/audit`)).status).toBe(401);
    });
  });

  it('without a database, admin actions are still logged and the list answers 503', async () => {
    const bare = await startHarness();
    try {
      const enabled = await fetch(`${bare.url}/admin/v1/providers/openai/keys/0/enable`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(enabled.status).toBe(200);
      expect(bare.logs.some((line) => line.includes('"admin action"') && line.includes('pool_key.enable'))).toBe(true);
      const listed = await fetch(`${bare.url}/admin/v1/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(listed.status).toBe(503);
      expect(await listed.json()).toEqual({ error: { type: 'audit_unavailable', message: expect.any(String) } });
    } finally {
      await bare.close();
    }
  });
});
