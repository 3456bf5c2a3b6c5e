import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisBudgetLedger } from '@tollgate/gateway';
import { PostgresUsageStore } from '@tollgate/sql-stores';
import { createTestRedisPrefix, FakeClock, startMockUpstream, testRedisUrl, waitUntil, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { createPriceTable, estimateRequestCost, periodWindowOf, spendBaselineFrom } from '@tollgate/usage';
import { ADMIN_TOKEN, ALICE_TOKEN, BOB_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// Budget: 100 µ$ a day for everyone (config default). A request below: max_tokens 10 on gpt-4o-mini.
const BUDGET_MICROS = 100;
const MODEL = 'gpt-4o-mini';
const BODY = { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] };
const BODY_TEXT = JSON.stringify(BODY);
const PRICES = createPriceTable();
const ESTIMATE = estimateRequestCost(PRICES, 'openai', MODEL, { bodyBytes: Buffer.byteLength(BODY_TEXT), body: BODY }, {
  defaultMaxOutputTokens: 4096,
  charsPerToken: 4,
}).costMicros;
const DAY_MS = 86_400_000;

describe('budgets across two gateway replicas sharing Redis', () => {
  let database: IdentityDatabase;
  let mock: MockUpstream;
  let prefix: TestRedisPrefix;
  let redis: Redis;
  let clock: FakeClock;
  let a: Harness;
  let b: Harness;
  /** Each test runs on a day of its own (fresh counters), set by `nextDay()`. */
  let day = Date.UTC(2026, 11, 1, 10, 0, 0);

  const nextDay = () => {
    day += DAY_MS;
    clock.set(day);
    return periodWindowOf('day', new Date(day));
  };
  const counterKey = (userId: string) => `${prefix.prefix}:budget:${periodWindowOf('day', new Date(clock.now())).key}:${userId}`;

  async function chat(harness: Harness, token: string, options: { requestKey?: string } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${options.requestKey ?? token}` };
    if (options.requestKey) headers['x-tollgate-token'] = token;
    const response = await fetch(`${harness.url}/openai/v1/chat/completions`, { method: 'POST', headers, body: BODY_TEXT });
    return response;
  }

  /** What the interceptions that ended on either replica really cost (the mock's known usage, priced). */
  function settledSpend(ids: string[]): number {
    let micros = 0;
    for (const id of ids) {
      const ended = a.sink.ended(id) ?? b.sink.ended(id);
      if (!ended || ended.name !== 'interception.ended') throw new Error(`no ended event for ${id}`);
      for (const usage of ended.tokenUsages) micros += PRICES.cost('openai', MODEL, usage).costMicros;
    }
    return micros;
  }

  async function waitForEnded(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => (a.sink.ended(id) ? Promise.resolve() : b.sink.ended(id) ? Promise.resolve() : Promise.race([a.sink.waitForEnded(id), b.sink.waitForEnded(id)]))));
  }

  /** Sequential requests until the first 429; returns it and the ids of the ones that passed. */
  async function exhaust(harness: Harness, token: string): Promise<{ rejected: Response; passed: string[] }> {
    const passed: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await chat(harness, token);
      if (response.status === 429) return { rejected: response, passed };
      expect(response.status).toBe(200);
      await response.text();
      passed.push(response.headers.get('x-tollgate-interception-id')!);
    }
    throw new Error('the budget never ran out');
  }

  beforeAll(async () => {
    database = await createIdentityDatabase();
    mock = await startMockUpstream();
    prefix = createTestRedisPrefix();
    redis = new Redis(testRedisUrl());
    clock = new FakeClock(day);
    const usageStore = new PostgresUsageStore(database.sql);
    const replica = () =>
      startHarness({
        mock,
        clock,
        identityStore: database.store,
        usageStore,
        budgets: { default: { amount: BUDGET_MICROS / 1_000_000, period: 'day' } },
        budgetLedger: new RedisBudgetLedger({
          redis: testRedisUrl(),
          keyPrefix: `${prefix.prefix}:`,
          baseline: spendBaselineFrom(usageStore),
          clock,
        }),
      });
    [a, b] = await Promise.all([replica(), replica()]);
    expect(ESTIMATE).toBeGreaterThan(0);
    expect(ESTIMATE).toBeLessThan(BUDGET_MICROS / 4);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await mock?.close();
    await prefix?.cleanup();
    redis?.disconnect();
    await database?.drop();
  });

  beforeEach(() => mock.reset());

  it('many concurrent requests on both replicas never spend more than the budget plus one estimate', async () => {
    const window = nextDay();
    const responses = await Promise.all(Array.from({ length: 40 }, (_, index) => chat(index % 2 ? a : b, BOB_TOKEN)));
    const passed = responses.filter((response) => response.status === 200);
    const rejected = responses.filter((response) => response.status === 429);
    expect(passed.length + rejected.length).toBe(40);
    expect(passed.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    // A rejected request never reached the upstream: the mock saw exactly the admitted ones.
    expect(mock.keysSeen()).toHaveLength(passed.length);

    const ids = passed.map((response) => response.headers.get('x-tollgate-interception-id')!);
    const error = await errorJson(rejected[0]);
    await Promise.all(responses.filter((response) => !response.bodyUsed).map((response) => response.text()));
    await waitForEnded(ids);
    expect(settledSpend(ids)).toBeLessThanOrEqual(BUDGET_MICROS + ESTIMATE);
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    expect(Number(await redis.hget(counterKey('bob'), 'spent'))).toBe(settledSpend(ids));

    expect(error.error).toMatchObject({ type: 'rate_limit_error', code: 'budget_exceeded' });
    expect(error.error.message).toContain(window.end.toISOString());
    expect(rejected[0].headers.get('retry-after')).toBe(String((window.end.getTime() - clock.now()) / 1000));
  });

  it('answers Anthropic routes in their own shape', async () => {
    nextDay();
    await exhaust(a, BOB_TOKEN);
    const response = await fetch(`${b.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': BOB_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('records a refused request like any other: started, then ended with budget_exceeded and no usage', async () => {
    nextDay();
    const { rejected } = await exhaust(a, BOB_TOKEN);
    await rejected.text();
    const id = rejected.headers.get('x-tollgate-interception-id')!;
    const ended = await a.sink.waitForEnded(id);
    expect(a.sink.started(id)).toMatchObject({ initiatorId: 'bob', credentialKind: 'centralized' });
    expect(ended).toMatchObject({ error: { type: 'budget_exceeded' }, tokenUsages: [], credentialHint: '' });
  });

  it('an upstream failure releases its reservation', async () => {
    nextDay();
    const failures = Math.ceil(BUDGET_MICROS / ESTIMATE) + 2;
    mock.script('*', ...Array.from({ length: failures }, () => ({ status: 400 })));
    for (let attempt = 0; attempt < failures; attempt++) {
      const response = await chat(attempt % 2 ? a : b, BOB_TOKEN);
      expect(response.status).toBe(400);
      const id = response.headers.get('x-tollgate-interception-id')!;
      await response.text();
      await waitForEnded([id]);
    }
    // The holds are all given back (settled in the background after the ended event): nothing spent, nothing held.
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    expect(await redis.hgetall(counterKey('bob'))).toMatchObject({ spent: '0', reserved: '0' });
    expect((await chat(a, BOB_TOKEN)).status).toBe(200);
  });

  it('a client that aborts its streams before the usage chunk pays each estimate, and is refused once they use up the budget', async () => {
    nextDay();
    const streamText = JSON.stringify({ ...BODY, stream: true });
    const streamEstimate = estimateRequestCost(PRICES, 'openai', MODEL, { bodyBytes: Buffer.byteLength(streamText), body: { ...BODY, stream: true } }, {
      defaultMaxOutputTokens: 4096,
      charsPerToken: 4,
    }).costMicros;
    const affordable = Math.floor(BUDGET_MICROS / streamEstimate);
    const aborted: string[] = [];
    let refused: Response | undefined;
    for (let attempt = 0; attempt < affordable + 2 && !refused; attempt++) {
      // The upstream sends two chunks, then nothing: the final usage chunk never comes before the client leaves.
      mock.script('*', { stallAfterChunks: 2 });
      const controller = new AbortController();
      const response = await fetch(`${(attempt % 2 ? a : b).url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BOB_TOKEN}` },
        body: streamText,
        signal: controller.signal,
      });
      if (response.status === 429) {
        refused = response;
        break;
      }
      expect(response.status).toBe(200);
      const id = response.headers.get('x-tollgate-interception-id')!;
      await response.body!.getReader().read();
      controller.abort();
      await waitForEnded([id]);
      aborted.push(id);
    }
    expect(refused).toBeDefined();
    expect(aborted).toHaveLength(affordable);
    for (const id of aborted) expect((a.sink.ended(id) ?? b.sink.ended(id))).toMatchObject({ error: { type: 'client_disconnected' }, tokenUsages: [] });
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    expect(Number(await redis.hget(counterKey('bob'), 'spent'))).toBe(affordable * streamEstimate);
    expect(await errorJson(refused!)).toMatchObject({ error: { code: 'budget_exceeded' } });
  });

  it('a request refused by an open circuit breaker gives its reservation back', async () => {
    nextDay();
    mock.script('*', ...Array.from({ length: 5 }, () => ({ status: 503 })));
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await chat(a, BOB_TOKEN);
      expect(response.status).toBe(503);
      await response.text();
    }
    const refused = await chat(a, BOB_TOKEN);
    expect(refused.status).toBe(503);
    expect((await errorJson(refused)).error.message).toBe('circuit breaker is open');
    expect(mock.keysSeen()).toHaveLength(5);
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    expect(await redis.hgetall(counterKey('bob'))).toMatchObject({ spent: '0', reserved: '0' });
  });

  it('the next period reopens the budget', async () => {
    const window = nextDay();
    const { rejected } = await exhaust(a, BOB_TOKEN);
    expect(rejected.headers.get('retry-after')).toBe(String((window.end.getTime() - clock.now()) / 1000));
    clock.set(window.end.getTime() - 1);
    expect((await chat(b, BOB_TOKEN)).status).toBe(429);
    clock.set(window.end.getTime());
    expect((await chat(b, BOB_TOKEN)).status).toBe(200);
  });

  it('rebuilds a counter lost from Redis from the recorded spend in Postgres before the next decision', async () => {
    const window = nextDay();
    expect((await chat(a, BOB_TOKEN)).status).toBe(200);
    // The recorder wrote bob's spend of this day (a replica's counter does not know it yet): the whole budget.
    await recordSpend('bob', new Date(window.start.getTime() + 60_000), BUDGET_MICROS, 'centralized');
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    const unaware = await chat(b, BOB_TOKEN);
    expect(unaware.status).toBe(200);
    await unaware.text();
    await waitUntil(async () => (await redis.hget(counterKey('bob'), 'reserved')) === '0', 'no reservation left');
    await redis.del(counterKey('bob'));
    const response = await chat(b, BOB_TOKEN);
    expect(response.status).toBe(429);
    expect(await redis.hget(counterKey('bob'), 'spent')).toBe(String(BUDGET_MICROS));
  });

  it('does not count BYOK spend nor limit BYOK requests', async () => {
    const window = nextDay();
    await recordSpend('bob', new Date(window.start.getTime() + 1000), 10 * BUDGET_MICROS, 'byok');
    await exhaust(b, BOB_TOKEN);
    mock.reset();
    for (let attempt = 0; attempt < 5; attempt++) expect((await chat(attempt % 2 ? a : b, BOB_TOKEN, { requestKey: 'sk-bob-own-key-1234' })).status).toBe(200);
    expect(mock.keysSeen()).toEqual(Array(5).fill('sk-bob-own-key-1234'));
    expect((await chat(a, BOB_TOKEN)).status).toBe(429);
  });

  it("a user's own budget (PATCH /admin/v1/users/:id) overrides the default; null goes back to it", async () => {
    nextDay();
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${a.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await admin('POST', '/admin/v1/users', { id: 'alice' })).status).toBe(201);
    const patched = await admin('PATCH', '/admin/v1/users/alice', { budget: { amountUsd: 0, period: 'month' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ budget: { amountUsd: 0, period: 'month' }, effectiveBudget: { amountUsd: 0, period: 'month' } });
    const refused = await chat(a, ALICE_TOKEN);
    expect(refused.status).toBe(429);
    expect(mock.keysSeen()).toEqual([]);

    const invalid = await admin('PATCH', '/admin/v1/users/alice', { budget: { amountUsd: -1, period: 'year' } });
    expect(invalid.status).toBe(400);

    const cleared = await admin('PATCH', '/admin/v1/users/alice', { budget: null });
    expect(await cleared.json()).toMatchObject({ budget: null, effectiveBudget: { amountUsd: BUDGET_MICROS / 1_000_000, period: 'day' } });
    expect((await chat(a, ALICE_TOKEN)).status).toBe(200);
  });

  /** An interception as the recorder writes it, with its cost. */
  async function recordSpend(userId: string, startedAt: Date, costMicros: number, kind: 'centralized' | 'byok') {
    await database.sql.query(
      `INSERT INTO interceptions (id, initiator_id, provider, provider_name, model, streaming, client, user_agent, credential_kind, credential_source, started_at, ended_at, metadata, cost_micros)
       VALUES ($1, $2, 'openai', 'openai', $3, false, 'test', 'test', $4, $5, $6, $6, '{}', $7)`,
      [randomUUID(), userId, MODEL, kind, kind === 'byok' ? 'request' : 'pool', startedAt.toISOString(), costMicros],
    );
  }
});

describe('budgets in one gateway with the in-process ledger (embedded mode)', () => {
  let database: IdentityDatabase;
  let harness: Harness;
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 10, 0, 0));

  beforeAll(async () => {
    database = await createIdentityDatabase();
    harness = await startHarness({
      clock,
      identityStore: database.store,
      usageStore: new PostgresUsageStore(database.sql),
      budgets: { default: { amount: BUDGET_MICROS / 1_000_000, period: 'day' } },
    });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await database?.drop();
  });

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${harness.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{provider="openai"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('settles streaming requests with their real cost, then refuses with 429, counted in the metrics', async () => {
    const streamingBody = JSON.stringify({ ...BODY, stream: true });
    const ids: string[] = [];
    let rejected: Response | undefined;
    for (let attempt = 0; attempt < 100 && !rejected; attempt++) {
      const response = await fetch(`${harness.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BOB_TOKEN}` },
        body: streamingBody,
      });
      if (response.status === 429) rejected = response;
      else {
        expect(response.status).toBe(200);
        await response.text();
        const id = response.headers.get('x-tollgate-interception-id')!;
        await harness.sink.waitForEnded(id);
        ids.push(id);
      }
    }
    expect(rejected).toBeDefined();
    expect(harness.mock.keysSeen()).toHaveLength(ids.length);
    let spent = 0;
    for (const id of ids) {
      const ended = harness.sink.ended(id);
      if (ended?.name !== 'interception.ended') throw new Error('no ended event');
      expect(ended.tokenUsages.length).toBeGreaterThan(0);
      for (const usage of ended.tokenUsages) spent += PRICES.cost('openai', MODEL, usage).costMicros;
    }
    expect(spent).toBeLessThanOrEqual(BUDGET_MICROS + ESTIMATE);
    expect(await metric('tollgate_budget_rejections_total')).toBe(1);
    expect(await metric('tollgate_centralized_spend_micros_total')).toBe(spent);
  });
});
