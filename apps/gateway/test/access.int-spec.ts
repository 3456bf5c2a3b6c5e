import Redis from 'ioredis';
import { RedisBudgetLedger, RedisDirectoryNotifier } from '@tollgate/gateway';
import { PostgresAdminAuditLog, PostgresUsageStore } from '@tollgate/sql-stores';
import { createTestRedisPrefix, FakeClock, startMockUpstream, testRedisUrl, waitUntil, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { createPriceTable, estimateRequestCost, periodWindowOf, spendBaselineFrom } from '@tollgate/usage';
import { ADMIN_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const MODEL = 'gpt-4o-mini';
const CHAT = { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] };
const ESTIMATE = estimateRequestCost(createPriceTable(), 'openai', MODEL, { bodyBytes: Buffer.byteLength(JSON.stringify(CHAT)), body: CHAT }, {
  defaultMaxOutputTokens: 4096,
  charsPerToken: 4,
}).costMicros;

/**
 * Teams, model access and scoped tokens on two gateway replicas sharing Postgres (the directory) and Redis (budget
 * counters, directory-change notifications). The replicas poll the change log only once an hour: whatever one of
 * them sees of a change made on the other, it saw through the Redis notification.
 */
describe('teams, model access and scoped tokens across two replicas', () => {
  let database: IdentityDatabase;
  let mock: MockUpstream;
  let prefix: TestRedisPrefix;
  let redis: Redis;
  let clock: FakeClock;
  let a: Harness;
  let b: Harness;
  let serial = 0;
  /** A fresh id per test, so tests share no users, teams or counters. */
  const unique = (name: string) => `${name}-${++serial}`;

  async function admin(harness: Harness, method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${harness.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function adminJson<T = Record<string, unknown>>(harness: Harness, method: string, path: string, body?: unknown, status = 200): Promise<T> {
    const response = await admin(harness, method, path, body);
    const text = await response.text();
    if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A user in the database with a token of their own (optionally scoped). */
  async function userWithToken(id: string, scope: Record<string, unknown> = {}): Promise<string> {
    await adminJson(a, 'POST', '/users', { id }, 201);
    return (await adminJson<{ token: string }>(a, 'POST', `/users/${id}/tokens`, { name: 'test', ...scope }, 201)).token;
  }

  function chat(harness: Harness, token: string, body: Record<string, unknown> = CHAT, requestKey?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${requestKey ?? token}` };
    if (requestKey) headers['x-tollgate-token'] = token;
    return fetch(`${harness.url}/openai/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  function messages(harness: Harness, token: string, model: string): Promise<Response> {
    return fetch(`${harness.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
  }

  async function status(response: Promise<Response>): Promise<number> {
    const answered = await response;
    await answered.text();
    return answered.status;
  }

  beforeAll(async () => {
    database = await createIdentityDatabase();
    mock = await startMockUpstream();
    prefix = createTestRedisPrefix();
    redis = new Redis(testRedisUrl());
    clock = new FakeClock(Date.UTC(2026, 11, 3, 10, 0, 0));
    const usageStore = new PostgresUsageStore(database.sql);
    const replica = () =>
      startHarness({
        mock,
        clock,
        identityStore: database.store,
        usageStore,
        adminAuditLog: new PostgresAdminAuditLog(database.sql),
        identity: { pollInterval: '1h' },
        directoryNotifier: new RedisDirectoryNotifier({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:` }),
        budgetLedger: new RedisBudgetLedger({ redis: testRedisUrl(), keyPrefix: `${prefix.prefix}:`, baseline: spendBaselineFrom(usageStore), clock }),
        models: { deny: ['*-preview'] },
      });
    [a, b] = await Promise.all([replica(), replica()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await mock?.close();
    await prefix?.cleanup();
    redis?.disconnect();
    await database?.drop();
  });

  beforeEach(() => mock.reset());

  describe('scoped tokens', () => {
    it('a token revoked on one replica is refused on the other, which learns it from the notification (its poll is an hour away)', async () => {
      const token = await userWithToken(unique('rita'));
      await waitUntil(async () => (await status(chat(b, token))) === 200, 'the replicas to apply the change');
      const [issued] = (await adminJson<{ items: { id: string }[] }>(a, 'GET', `/users/rita-${serial}/tokens`)).items;
      await adminJson(a, 'DELETE', `/tokens/${issued.id}`);

      expect(await status(chat(a, token))).toBe(401);
      await waitUntil(async () => (await status(chat(b, token))) === 401, 'the replicas to apply the change');
      const refused = await chat(b, token);
      expect(await errorJson(refused)).toMatchObject({ error: { type: 'authentication_error', message: 'invalid, expired or revoked gateway token' } });
    });

    it('a token past its expiry is refused on every replica at once, by the gateway clock', async () => {
      const expiresAt = new Date(clock.now() + 60_000).toISOString();
      const token = await userWithToken(unique('eve'), { expiresAt });
      await waitUntil(async () => (await status(chat(b, token))) === 200, 'the replicas to apply the change');
      expect(await status(chat(a, token))).toBe(200);

      clock.advance(60_000);
      expect(await status(chat(a, token))).toBe(401);
      expect(await status(chat(b, token))).toBe(401);
      expect((await admin(a, 'POST', `/users/eve-${serial}/tokens`, { expiresAt: new Date(clock.now() - 1).toISOString() })).status).toBe(400);
    });

    it('shows the scope it was issued with, and its last use once a replica writes its batch of uses', async () => {
      const id = unique('lena');
      await adminJson(a, 'POST', '/teams', { id: `${id}-team`, name: 'L' }, 201);
      await adminJson(a, 'POST', '/users', { id }, 201);
      await adminJson(a, 'PUT', `/teams/${id}-team/members/${id}`);
      const scope = { limits: { requestsPerMinute: 5 }, models: { allow: ['gpt-*'] }, team: `${id}-team` };
      const issued = await adminJson<{ token: string; id: string }>(a, 'POST', `/users/${id}/tokens`, { name: 'ci', ...scope }, 201);
      expect(issued).toMatchObject({ ...scope, expiresAt: null, lastUsedAt: null });
      expect((await admin(a, 'POST', `/users/${id}/tokens`, { team: 'not-a-member-team' })).status).toBe(400);
      const audited = await adminJson<{ items: { details: Record<string, unknown> }[] }>(a, 'GET', `/audit?target=${id}&action=token.issue`);
      expect(audited.items[0].details).toMatchObject({ tokenId: issued.id, ...scope });
      expect(await status(chat(a, issued.token))).toBe(200);

      // Any change announced to replica a makes it poll, and the poll writes the uses it noted.
      await adminJson(b, 'POST', '/users', { id: unique('nudge') }, 201);
      await waitUntil(async () => {
        const [token] = (await adminJson<{ items: { lastUsedAt: string | null }[] }>(a, 'GET', `/users/${id}/tokens`)).items;
        return token.lastUsedAt !== null;
      }, "replica a to write the token's last use");
      const [listed] = (await adminJson<{ items: { lastUsedAt: string }[] }>(a, 'GET', `/users/${id}/tokens`)).items;
      expect(listed.lastUsedAt).toBe(new Date(clock.now()).toISOString());
    });
  });

  describe('model access', () => {
    it("refuses a model the deployment denies, in each provider's shape, recorded, and never sent upstream", async () => {
      const token = await userWithToken(unique('dora'));
      const refused = await chat(a, token, { ...CHAT, model: 'gpt-5-preview' });
      expect(refused.status).toBe(403);
      const id = refused.headers.get('x-tollgate-interception-id')!;
      const body = await errorJson(refused);
      expect(body.error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed', param: null });
      expect(body.error.message).toContain("model 'gpt-5-preview'");
      expect(body.error.message).toContain("the deployment's model policy");
      expect(await a.sink.waitForEnded(id)).toMatchObject({ error: { type: 'model_not_allowed' }, tokenUsages: [] });

      await waitUntil(async () => (await status(messages(b, token, 'claude-sonnet-4-5'))) === 200, 'the replicas to apply the change');
      const anthropic = await messages(b, token, 'claude-4-preview');
      expect(anthropic.status).toBe(403);
      expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining("model 'claude-4-preview'") } });
      expect(mock.keysSeen()).toHaveLength(1);
    });

    it('applies a reloaded deployment policy to the next request', async () => {
      const token = await userWithToken(unique('rick'));
      expect(await status(chat(a, token))).toBe(200);
      a.gateway.runtime.applyConfig({ ...a.config, models: { allow: ['openai/gpt-4.1'] } });
      try {
        expect(await status(chat(a, token))).toBe(403);
        expect(await status(chat(a, token, { ...CHAT, model: 'gpt-4.1' }))).toBe(200);
      } finally {
        a.gateway.runtime.applyConfig(a.config);
      }
      expect(await status(chat(a, token))).toBe(200);
    });

    it("applies a team's policy to its members on both replicas, counted by level", async () => {
      const id = unique('tom');
      const team = `${id}-team`;
      const token = await userWithToken(id);
      await adminJson(a, 'POST', '/teams', { id: team, name: 'T' }, 201);
      await adminJson(a, 'PUT', `/teams/${team}/members/${id}`);
      await adminJson(a, 'PATCH', `/teams/${team}`, { models: { deny: ['gpt-4o*'] } });

      const refused = await chat(a, token);
      expect(refused.status).toBe(403);
      expect((await errorJson(refused)).error.message).toContain(`the model policy of team '${team}'`);
      await waitUntil(async () => (await status(chat(b, token))) === 403, 'the replicas to apply the change');
      expect(await status(chat(b, token, { ...CHAT, model: 'gpt-4.1' }))).toBe(200);
      const metrics = await (await fetch(`${a.url}/metrics`)).text();
      expect(metrics).toMatch(/tollgate_model_refusals_total\{level="team"\} [1-9]/);

      await adminJson(a, 'DELETE', `/teams/${team}/members/${id}`);
      await waitUntil(async () => (await status(chat(b, token))) === 200, 'the replicas to apply the change');
    });

    it("applies a user's own policy, and a token's on top of it, also to requests paid with the user's own key", async () => {
      const id = unique('uma');
      const token = await userWithToken(id);
      await adminJson(a, 'PATCH', `/users/${id}`, { models: { allow: ['gpt-4.1', 'gpt-4o-mini'] } });
      expect(await status(chat(a, token, { ...CHAT, model: 'o4-mini' }))).toBe(403);
      const byok = await chat(a, token, { ...CHAT, model: 'o4-mini' }, 'sk-user-own-key');
      expect(byok.status).toBe(403);
      expect((await errorJson(byok)).error.message).toContain('your model policy');

      const scoped = (await adminJson<{ token: string }>(a, 'POST', `/users/${id}/tokens`, { name: 'narrow', models: { deny: ['gpt-4.1'] } }, 201)).token;
      expect(await status(chat(a, scoped, { ...CHAT, model: 'gpt-4o-mini' }))).toBe(200);
      const refused = await chat(a, scoped, { ...CHAT, model: 'gpt-4.1' });
      expect(refused.status).toBe(403);
      expect((await errorJson(refused)).error.message).toContain("this gateway token's model policy");
      expect(await status(chat(a, token, { ...CHAT, model: 'gpt-4.1' }))).toBe(200);
      expect(mock.keysSeen()).toHaveLength(2);
    });

    it('lists only the models the caller may use, on both APIs, and refuses reading a model it may not use', async () => {
      const id = unique('lou');
      const token = await userWithToken(id);
      await adminJson(a, 'PATCH', `/users/${id}`, { models: { allow: ['gpt-4*', 'anthropic/claude-sonnet-*', 'anthropic/claude-haiku-*'], deny: ['claude-haiku-*'] } });
      await waitUntil(async () => (await status(chat(b, token, { ...CHAT, model: 'o4-mini' }))) === 403, 'the replicas to apply the change');

      const openai = await fetch(`${b.url}/openai/v1/models`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
      expect(openai.status).toBe(200);
      const openaiList = (await openai.json()) as { object: string; data: { id: string }[] };
      expect(openaiList.object).toBe('list');
      expect(openaiList.data.map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4.1']);

      const anthropic = await fetch(`${b.url}/anthropic/v1/models`, { headers: { 'x-api-key': token, 'anthropic-version': '2023-06-01' } });
      expect(await anthropic.json()).toEqual({
        data: [expect.objectContaining({ id: 'claude-sonnet-4-5', type: 'model' })],
        has_more: false,
        first_id: 'claude-sonnet-4-5',
        last_id: 'claude-sonnet-4-5',
      });

      const one = await fetch(`${b.url}/openai/v1/models/o4-mini`, { headers: { authorization: `Bearer ${token}` } });
      expect(one.status).toBe(403);
      expect((await errorJson(one)).error).toMatchObject({ code: 'model_not_allowed' });
      expect(await status(fetch(`${b.url}/openai/v1/models/gpt-4.1`, { headers: { authorization: `Bearer ${token}` } }))).toBe(200);
    });
  });

  describe('team budgets', () => {
    const dayOf = () => periodWindowOf('day', new Date(clock.now())).key;
    const userCounter = (userId: string) => `${prefix.prefix}:budget:${dayOf()}:${userId}`;
    const teamCounter = (teamId: string) => `${prefix.prefix}:budget:team:${dayOf()}:${teamId}`;

    it("holds members to the team's budget besides their own, settles both, and counts a team-scoped token only against its team", async () => {
      clock.advance(86_400_000);
      const carol = unique('carol');
      const dave = unique('dave');
      const red = `${carol}-red`;
      const blue = `${carol}-blue`;
      const carolToken = await userWithToken(carol);
      const daveToken = await userWithToken(dave);
      for (const team of [red, blue]) await adminJson(a, 'POST', '/teams', { id: team, name: team }, 201);
      for (const [team, user] of [[red, carol], [red, dave], [blue, carol]]) await adminJson(a, 'PUT', `/teams/${team}/members/${user}`);
      const carolBlueToken = (await adminJson<{ token: string }>(a, 'POST', `/users/${carol}/tokens`, { name: 'blue', team: blue }, 201)).token;
      await adminJson(a, 'PATCH', `/users/${carol}`, { budget: { amountUsd: (100 * ESTIMATE) / 1e6, period: 'day' } });
      await adminJson(b, 'PATCH', `/teams/${red}`, { budget: { amountUsd: (4 * ESTIMATE) / 1e6, period: 'day' } });
      await adminJson(b, 'PATCH', `/teams/${blue}`, { budget: { amountUsd: (100 * ESTIMATE) / 1e6, period: 'day' } });
      // Both replicas hold red's budget (dave has none of his own: he has a budget gate only through red).
      const knowsRedBudget = ({ gateway: { runtime } }: Harness) =>
        runtime.requestPath.budgets.gateFor('openai', runtime.requestPath.access.accessOf({ userId: dave })) !== undefined;
      await waitUntil(async () => knowsRedBudget(a) && knowsRedBudget(b), "both replicas to hold red's budget");

      let refused: Response | undefined;
      for (let attempt = 0; attempt < 200 && !refused; attempt++) {
        const response = await chat(attempt % 2 ? a : b, attempt % 3 ? carolToken : daveToken);
        if (response.status === 429) refused = response;
        else expect(response.status).toBe(200);
        if (response.status === 200) await response.text();
      }
      expect(refused).toBeDefined();
      const error = await errorJson(refused!);
      expect(error.error).toMatchObject({ type: 'rate_limit_error', code: 'budget_exceeded' });
      expect(error.error.message).toContain(`team ${red} budget exceeded`);
      expect(await status(chat(a, daveToken))).toBe(429);

      // Every hold is settled: what the team spent is what its members spent, carol's own counter has her share.
      await waitUntil(async () => (await redis.hget(teamCounter(red), 'reserved')) === '0' && (await redis.hget(userCounter(carol), 'reserved')) === '0', 'every budget hold to be settled');
      const teamSpent = Number(await redis.hget(teamCounter(red), 'spent'));
      const carolSpent = Number(await redis.hget(userCounter(carol), 'spent'));
      expect(carolSpent).toBeGreaterThan(0);
      expect(teamSpent).toBeGreaterThan(carolSpent);

      // The blue-scoped token counts against blue only: red being used up does not stop it, and red does not move.
      expect(await status(chat(b, carolBlueToken))).toBe(200);
      await waitUntil(async () => (await redis.hget(teamCounter(blue), 'reserved')) === '0' && Number(await redis.hget(teamCounter(blue), 'spent')) > 0, 'every budget hold to be settled');
      expect(Number(await redis.hget(teamCounter(red), 'spent'))).toBe(teamSpent);
      expect(Number(await redis.hget(userCounter(carol), 'spent'))).toBeGreaterThan(carolSpent);
    });

    it("refuses on the user's own budget first when that is the one used up, and keeps a team with active scoped tokens", async () => {
      clock.advance(86_400_000);
      const gus = unique('gus');
      const team = `${gus}-team`;
      const token = await userWithToken(gus);
      await adminJson(a, 'POST', '/teams', { id: team, name: 'G' }, 201);
      await adminJson(a, 'PUT', `/teams/${team}/members/${gus}`);
      await adminJson(a, 'PATCH', `/teams/${team}`, { budget: { amountUsd: (100 * ESTIMATE) / 1e6, period: 'day' } });
      await adminJson(a, 'PATCH', `/users/${gus}`, { budget: { amountUsd: ESTIMATE / 1e6, period: 'day' } });
      expect(await status(chat(a, token))).toBe(200);
      await waitUntil(async () => (await redis.hget(userCounter(gus), 'reserved')) === '0', 'every budget hold to be settled');
      const refused = await chat(a, token);
      expect(refused.status).toBe(429);
      expect((await errorJson(refused)).error.message).toMatch(/^budget exceeded: /);
      // The refused request's hold on the team was given back.
      await waitUntil(async () => (await redis.hget(teamCounter(team), 'reserved')) === '0', 'every budget hold to be settled');

      await adminJson(a, 'POST', `/users/${gus}/tokens`, { name: 'scoped', team }, 201);
      const conflict = await admin(a, 'DELETE', `/teams/${team}`);
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toMatchObject({ error: { type: 'conflict' } });
    });
  });

  describe('admin API', () => {
    it('creates, lists, updates and deletes teams with validation errors in the API shape, and audits each change', async () => {
      const id = unique('ops');
      const created = await adminJson(a, 'POST', '/teams', { id, name: 'Ops' }, 201);
      expect(created).toEqual({ id, name: 'Ops', limits: null, budget: null, models: null, members: [], createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect((await admin(a, 'POST', '/teams', { id, name: 'again' })).status).toBe(409);
      const invalid = await admin(a, 'PATCH', `/teams/${id}`, { limits: { requestsPerMinute: 0 }, colour: 'red' });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ error: { type: 'invalid_request', message: expect.stringContaining('colour') } });
      expect((await admin(a, 'PATCH', `/teams/${id}`, {})).status).toBe(400);

      const updated = await adminJson(b, 'PATCH', `/teams/${id}`, { limits: { concurrent: 3 }, models: { allow: ['gpt-*'] }, budget: { amountUsd: 5, period: 'month' } });
      expect(updated).toMatchObject({ limits: { concurrent: 3 }, models: { allow: ['gpt-*'] }, budget: { amountUsd: 5, period: 'month' } });
      expect(await adminJson(a, 'PATCH', `/teams/${id}`, { budget: null })).toMatchObject({ budget: null, limits: { concurrent: 3 } });
      expect((await admin(a, 'PUT', `/teams/${id}/members/nobody-here`)).status).toBe(404);
      expect((await admin(a, 'GET', '/teams/no-such-team')).status).toBe(404);
      const page = await adminJson<{ items: { id: string }[] }>(a, 'GET', '/teams?limit=200');
      expect(page.items.map((team) => team.id)).toContain(id);

      const user = unique('ida');
      await adminJson(a, 'POST', '/users', { id: user }, 201);
      await adminJson(a, 'PUT', `/teams/${id}/members/${user}`);
      expect(await adminJson(a, 'GET', `/users/${user}`)).toMatchObject({ teams: [id], limits: null, models: null });
      expect(await adminJson(a, 'PATCH', `/users/${user}`, { limits: { requestsPerMinute: 10 } })).toMatchObject({ limits: { requestsPerMinute: 10 } });
      expect((await admin(a, 'DELETE', `/teams/${id}`)).status).toBe(204);
      expect(await adminJson(a, 'GET', `/users/${user}`)).toMatchObject({ teams: [] });
      expect((await admin(a, 'DELETE', `/teams/${id}`)).status).toBe(404);

      const audit = await adminJson<{ items: { action: string; details: Record<string, unknown> }[] }>(a, 'GET', `/audit?target=${id}`);
      // The gateways' clock stands still in this test: the entries share one time, so their order is not asserted.
      expect(audit.items.map((entry) => entry.action).sort()).toEqual(['team.create', 'team.delete', 'team.member.add', 'team.update', 'team.update']);
      expect(audit.items.find((entry) => entry.action === 'team.member.add')?.details).toEqual({ user });
      expect(audit.items.map((entry) => entry.details)).toContainEqual({
        changes: { limits: { concurrent: 3 }, models: { allow: ['gpt-*'] }, budget: { amountUsd: 5, period: 'month' } },
      });
    });
  });
});
