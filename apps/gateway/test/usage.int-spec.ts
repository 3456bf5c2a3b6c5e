import { InterceptionEventWriter, type TollgateDataSource } from '@tollgate/persistence';
import { PostgresUsageStore } from '@tollgate/sql-stores';
import { USAGE_GROUP_BYS, utcMonthOf, type UsageGroupBy } from '@tollgate/usage';
import { buildEndedEvent, buildStartedEvent, type MockUpstream, startMockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, BOB_TOKEN, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers of many shapes, asserted field by field
type Json = any;

const KEY_SQL: Record<UsageGroupBy, string> = {
  user: 'initiator_id',
  model: 'model',
  provider: 'provider_name',
  day: `to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

describe('usage API', () => {
  let database: IdentityDatabase;
  let dataSource: TollgateDataSource;
  let mock: MockUpstream;
  let harness: Harness;
  let usageStore: PostgresUsageStore;

  async function get(path: string, token: string): Promise<{ status: number; json: Json }> {
    const response = await fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async function bridged(path: string, token: string, body: Record<string, unknown>): Promise<string> {
    const anthropic = path.startsWith('/anthropic');
    const headers: Record<string, string> = anthropic
      ? { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' }
      : { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const response = await fetch(`${harness.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    await response.text();
    expect(response.status).toBe(200);
    const id = response.headers.get('x-tollgate-interception-id')!;
    await harness.sink.waitForEnded(id);
    return id;
  }

  /** The same aggregate written independently: per-interception subqueries instead of the store's join. */
  async function directAggregate(groupBy: UsageGroupBy, from: string, to: string, initiatorId?: string) {
    const rows: Record<string, string>[] = await dataSource.query(
      `SELECT ${KEY_SQL[groupBy]} AS key, count(*)::text AS interceptions,
              sum((SELECT coalesce(sum(input_tokens), 0) FROM token_usages t WHERE t.interception_id = i.id))::text AS input,
              sum((SELECT coalesce(sum(output_tokens), 0) FROM token_usages t WHERE t.interception_id = i.id))::text AS output,
              sum((SELECT coalesce(sum(cache_read_input_tokens), 0) FROM token_usages t WHERE t.interception_id = i.id))::text AS cache_read,
              sum((SELECT coalesce(sum(cache_write_input_tokens), 0) FROM token_usages t WHERE t.interception_id = i.id))::text AS cache_write,
              sum((SELECT coalesce(sum(cost_micros), 0) FROM token_usages t WHERE t.interception_id = i.id))::text AS cost
         FROM interceptions i
        WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR initiator_id = $3)
        GROUP BY 1`,
      [from, to, initiatorId ?? null],
    );
    return rows
      .map((row) => ({
        key: row.key,
        interceptions: Number(row.interceptions),
        inputTokens: Number(row.input),
        outputTokens: Number(row.output),
        cacheReadTokens: Number(row.cache_read),
        cacheWriteTokens: Number(row.cache_write),
        costMicros: Number(row.cost),
        costUsd: Number(row.cost) / 1_000_000,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  const byKey = (rows: Json[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const month = () => utcMonthOf(new Date());

  beforeAll(async () => {
    database = await createIdentityDatabase();
    dataSource = database.dataSource;
    mock = await startMockUpstream();
    usageStore = new PostgresUsageStore(database.sql);
    harness = await startHarness({ mock, usageStore });

    const chat = '/openai/v1/chat/completions';
    const messages = [{ role: 'user', content: 'hello' }];
    await bridged(chat, ALICE_TOKEN, { model: 'gpt-4o-mini', messages });
    await bridged(chat, ALICE_TOKEN, { model: 'gpt-4o-mini', stream: true, messages });
    await bridged('/openai/v1/responses', ALICE_TOKEN, { model: 'gpt-4.1', input: 'hello' });
    await bridged('/anthropic/v1/messages', ALICE_TOKEN, { model: 'claude-sonnet-4-5', max_tokens: 50, messages });
    await bridged('/anthropic/v1/messages', BOB_TOKEN, { model: 'claude-sonnet-4-5', max_tokens: 50, stream: true, messages });
    await bridged(chat, BOB_TOKEN, { model: 'my-finetune', messages });

    // What the recorder would do with the gateway's events, plus interceptions before this month and one not ended.
    const writer = new InterceptionEventWriter(dataSource);
    const lastMonth = new Date(month().from.getTime() - 3_600_000).toISOString();
    const old = buildStartedEvent({ initiatorId: 'alice', providerName: 'openai', model: 'gpt-4o-mini', occurredAt: lastMonth });
    const open = buildStartedEvent({ initiatorId: 'bob', providerName: 'openai', model: 'gpt-4.1' });
    // One of bob's on his own key: it counts as usage, never against a budget.
    const ownKey = buildStartedEvent({ initiatorId: 'bob', providerName: 'openai', model: 'o4-mini', credentialKind: 'byok', credentialSource: 'request', credentialHint: 'sk-...yk' });
    const outcomes = (await writer.applyBatch([...harness.sink.events, old, buildEndedEvent(old), open, ownKey, buildEndedEvent(ownKey)])).outcomes;
    expect(outcomes.every((outcome) => outcome === 'recorded')).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await mock?.close();
    await database?.drop();
  });

  it.each(USAGE_GROUP_BYS)('GET /admin/v1/usage?groupBy=%s equals a direct SQL aggregate over the current UTC month', async (groupBy) => {
    const { status, json } = await get(`/admin/v1/usage?groupBy=${groupBy}`, ADMIN_TOKEN);
    expect(status).toBe(200);
    const { from, to } = month();
    expect({ from: json.from, to: json.to, groupBy: json.groupBy }).toEqual({ from: from.toISOString(), to: to.toISOString(), groupBy });
    const expected = await directAggregate(groupBy, json.from, json.to);
    expect(byKey(json.rows)).toEqual(expected);
    expect(json.totals.interceptions).toBe(8);
    expect(json.totals.costMicros).toBe(expected.reduce((sum: number, row) => sum + row.costMicros, 0));
  });

  it('prices what the mock reported: per model, cache reads and writes included', async () => {
    const { json } = await get('/admin/v1/usage?groupBy=model', ADMIN_TOKEN);
    const rows = Object.fromEntries(json.rows.map((row: Json) => [row.key, row]));
    // Chat (gpt-4o-mini): 6 µ$ each; Responses (gpt-4.1): 98; Messages (claude-sonnet-4-5): 242 each, blocking or streaming.
    expect(rows['gpt-4o-mini']).toMatchObject({ interceptions: 2, inputTokens: 20, outputTokens: 14, cacheReadTokens: 4, costMicros: 12 });
    expect(rows['gpt-4.1']).toMatchObject({ interceptions: 2, inputTokens: 12, outputTokens: 9, cacheReadTokens: 3, costMicros: 98 });
    expect(rows['claude-sonnet-4-5']).toMatchObject({ interceptions: 2, cacheReadTokens: 10, cacheWriteTokens: 8, costMicros: 484, costUsd: 0.000484 });
    expect(rows['my-finetune']).toMatchObject({ interceptions: 1, inputTokens: 10, costMicros: 0 });
  });

  it('takes an explicit range, `to` exclusive', async () => {
    const from = new Date(month().from.getTime() - 86_400_000).toISOString();
    const { json } = await get(`/admin/v1/usage?groupBy=user&from=${from}&to=${month().from.toISOString()}`, ADMIN_TOKEN);
    expect(json.rows).toEqual(await directAggregate('user', from, month().from.toISOString()));
    // buildEndedEvent's usage on gpt-4o-mini: 120 × 0.15 = 18, 48 × 0.6 = 28.8 → 29, 20 × 0.075 = 1.5 → 2
    expect(json.rows).toEqual([expect.objectContaining({ key: 'alice', interceptions: 1, inputTokens: 120, costMicros: 49 })]);
    const empty = await get(`/admin/v1/usage?groupBy=day&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00%2B00:00`, ADMIN_TOKEN);
    expect(empty.json).toEqual({
      from: '2020-01-01T00:00:00.000Z',
      to: '2020-01-02T00:00:00.000Z',
      groupBy: 'day',
      rows: [],
      totals: { interceptions: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costMicros: 0, costUsd: 0 },
    });
  });

  it.each(['model', 'provider', 'day'] as const)('GET /v1/me/usage?groupBy=%s shows only the caller’s usage', async (groupBy) => {
    for (const [token, user] of [
      [ALICE_TOKEN, 'alice'],
      [BOB_TOKEN, 'bob'],
    ]) {
      const { status, json } = await get(`/v1/me/usage?groupBy=${groupBy}`, token);
      expect(status).toBe(200);
      expect(byKey(json.rows)).toEqual(await directAggregate(groupBy, json.from, json.to, user));
    }
    const alice = await get(`/v1/me/usage?groupBy=${groupBy}`, ALICE_TOKEN);
    expect(alice.json.totals).toMatchObject({ interceptions: 4, costMicros: 6 + 6 + 98 + 242 });
  });

  it('credentialKind keeps only the pool (centralized, what budgets count) or only users’ own keys (byok)', async () => {
    const all = await get('/admin/v1/usage?groupBy=user', ADMIN_TOKEN);
    const pool = await get('/admin/v1/usage?groupBy=user&credentialKind=centralized', ADMIN_TOKEN);
    const own = await get('/admin/v1/usage?groupBy=user&credentialKind=byok', ADMIN_TOKEN);
    expect(own.json.rows).toEqual([expect.objectContaining({ key: 'bob', interceptions: 1 })]);
    expect(own.json.totals.costMicros).toBeGreaterThan(0);
    expect(pool.json.totals.interceptions + own.json.totals.interceptions).toBe(all.json.totals.interceptions);
    expect(pool.json.totals.costMicros + own.json.totals.costMicros).toBe(all.json.totals.costMicros);
    const { from, to } = month();
    expect(pool.json.rows.find((row: Json) => row.key === 'bob').costMicros).toBe(await usageStore.centralizedSpendMicros('bob', from, to));
    const mine = await get('/v1/me/usage?groupBy=model&credentialKind=byok', BOB_TOKEN);
    expect(mine.json.rows.map((row: Json) => row.key)).toEqual(['o4-mini']);
  });

  it('refuses bad queries with 400', async () => {
    const cases: [string, string, RegExp][] = [
      ['/admin/v1/usage', ADMIN_TOKEN, /groupBy/],
      ['/admin/v1/usage?groupBy=team', ADMIN_TOKEN, /groupBy: must be one of user, model, provider, day/],
      ['/admin/v1/usage?groupBy=user&from=yesterday', ADMIN_TOKEN, /from: must be an ISO 8601 date-time/],
      ['/admin/v1/usage?groupBy=user&from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z', ADMIN_TOKEN, /from must be before to/],
      ['/admin/v1/usage?groupBy=user&from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z', ADMIN_TOKEN, /from must be before to/],
      ['/admin/v1/usage?groupBy=user&user=alice', ADMIN_TOKEN, /unrecognized key|user/i],
      ['/v1/me/usage?groupBy=user', ALICE_TOKEN, /groupBy: must be one of model, provider, day/],
      ['/admin/v1/usage?groupBy=user&credentialKind=pool', ADMIN_TOKEN, /credentialKind: must be one of centralized, byok/],
    ];
    for (const [path, token, message] of cases) {
      const { status, json } = await get(path, token);
      expect({ path, status, type: json.error.type }).toEqual({ path, status: 400, type: 'invalid_request' });
      expect(json.error.message).toMatch(message);
    }
  });

  it('keeps the admin route for admin tokens, and the self-service one for gateway tokens', async () => {
    expect((await get('/admin/v1/usage?groupBy=user', ALICE_TOKEN)).status).toBe(401);
    expect((await get('/v1/me/usage?groupBy=model', ADMIN_TOKEN)).status).toBe(401);
    expect((await fetch(`${harness.url}/v1/me/usage?groupBy=model`)).status).toBe(401);
  });

  it('answers 503 when the gateway has no usage store', async () => {
    const bare = await startHarness({ mock });
    try {
      const response = await fetch(`${bare.url}/admin/v1/usage?groupBy=user`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(503);
      expect(((await response.json()) as Json).error.type).toBe('usage_unavailable');
    } finally {
      await bare.close();
    }
  });
});
