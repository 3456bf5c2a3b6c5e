import { FakeClock, waitFor } from '@tollgate/testing';
import { RedisRateLimiter } from '@tollgate/limits';
import { ADMIN_TOKEN, ALICE_TOKEN, errorJson, startHarness, type Harness, type HarnessOptions } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// The embedded gateway: limits counted in this process (the memory limiter), on a clock that stands still.
const CHAT = { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] };
const USER_KEY = 'sk-alice-own-openai-key-0001';

describe('rate and concurrency limits in one gateway', () => {
  let harness: Harness | undefined;
  const clock = new FakeClock(Date.UTC(2026, 11, 3, 8, 0, 0));

  async function start(options: HarnessOptions): Promise<Harness> {
    harness = await startHarness({ clock, ...options });
    return harness;
  }

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function chat(target: Harness, options: { ownKey?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${options.ownKey ? USER_KEY : ALICE_TOKEN}` };
    if (options.ownKey) headers['x-tollgate-token'] = ALICE_TOKEN;
    const response = await fetch(`${target.url}/openai/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(CHAT) });
    await response.clone().arrayBuffer();
    return response;
  }

  async function metrics(target: Harness): Promise<string> {
    return (await fetch(`${target.url}/metrics`)).text();
  }

  it('records a refused request as an interception with the limit as its error type, and counts it by kind and scope', async () => {
    const target = await start({ limits: { default: { requestsPerMinute: 1 } } });
    expect((await chat(target)).status).toBe(200);
    const refused = await chat(target);
    expect(refused.status).toBe(429);
    const interceptionId = refused.headers.get('x-tollgate-interception-id')!;
    const ended = await target.sink.waitForEnded(interceptionId);
    expect(ended.error).toEqual({ type: 'request_limit_exceeded', message: 'request limit exceeded for your user (1 requests per minute); retry in 60 s' });
    expect(ended.tokenUsages).toEqual([]);
    expect(target.mock.received).toHaveLength(1);
    expect(await metrics(target)).toContain('tollgate_limit_refusals_total{kind="request",scope="user"} 1');
  });

  it('counts passthrough requests toward the request limit, with headers on the answer and the refusal', async () => {
    const target = await start({ limits: { default: { requestsPerMinute: 2, tokensPerMinute: 100 } } });
    const models = () => fetch(`${target.url}/openai/v1/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    const answered = await models();
    expect(answered.status).toBe(200);
    await answered.text();
    // Passthrough usage is not seen: tokens are not counted, nor described.
    expect(answered.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(answered.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    expect((await models()).status).toBe(200);
    const refused = await models();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect((await errorJson(refused)).error.code).toBe('request_limit_exceeded');
    expect((await chat(target)).status).toBe(429);
  });

  it('counts BYOK requests toward request limits (limits.byok: count) but never toward token limits', async () => {
    const target = await start({ limits: { default: { requestsPerMinute: 3, tokensPerMinute: 1 } } });
    for (let index = 0; index < 2; index++) {
      const response = await chat(target, { ownKey: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe(String(2 - index));
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    }
    expect(target.mock.keysSeen()).toEqual([USER_KEY, USER_KEY]);
    // The pool request takes the (untouched, full) token bucket below zero, then the request limit is reached.
    expect((await chat(target)).status).toBe(200);
    const refused = await chat(target, { ownKey: true });
    expect((await errorJson(refused)).error.code).toBe('request_limit_exceeded');
  });

  it('leaves BYOK requests out of every limit with limits.byok: exempt', async () => {
    const target = await start({ limits: { default: { requestsPerMinute: 1, concurrent: 1 }, byok: 'exempt' } });
    for (let index = 0; index < 3; index++) {
      const response = await chat(target, { ownKey: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
    expect((await chat(target)).status).toBe(200);
    expect((await chat(target)).status).toBe(429);
  });

  it("answers GET /v1/me/limits with the caller's counters", async () => {
    const target = await start({ limits: { default: { requestsPerMinute: 10, tokensPerMinute: 5000, concurrent: 2 } } });
    expect((await chat(target)).status).toBe(200);
    await target.sink.waitForEnded((await chat(target)).headers.get('x-tollgate-interception-id')!);
    const response = await fetch(`${target.url}/v1/me/limits`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(response.status).toBe(200);
    const at = (ms: number) => new Date(clock.now() + ms).toISOString();
    // Two requests (6 s each to refill) that used 19 tokens each (the mock's usage) at 5000 a minute.
    expect(await response.json()).toEqual({
      items: [
        { scope: 'user', id: 'alice', kind: 'request', limit: 10, remaining: 8, resetsAt: at(12_000) },
        { scope: 'user', id: 'alice', kind: 'token', limit: 5000, remaining: 4962, resetsAt: at(456) },
        { scope: 'user', id: 'alice', kind: 'concurrency', limit: 2, remaining: 2, resetsAt: null },
      ],
      models: [],
    });
    const anonymous = await fetch(`${target.url}/v1/me/limits`);
    expect(anonymous.status).toBe(401);
  });

  it('admits requests unlimited while the counters cannot be reached, with a warning and a metric', async () => {
    const target = await start({
      limits: { default: { requestsPerMinute: 1 } },
      rateLimiter: new RedisRateLimiter({ redis: 'redis://127.0.0.1:1', keyPrefix: 'unreachable:' }),
    });
    for (let index = 0; index < 2; index++) {
      const response = await chat(target);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
    expect(await metrics(target)).toContain('tollgate_limit_check_failures_total 2');
    expect(target.logs.join('')).toContain('could not check rate limits; admitting the request unlimited');
    const readings = await fetch(`${target.url}/v1/me/limits`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(readings.status).toBe(503);
  });

  describe('with users, teams and tokens from the database', () => {
    let database: IdentityDatabase;

    beforeAll(async () => {
      database = await createIdentityDatabase();
    });

    afterAll(async () => {
      await database?.drop();
    });

    async function admin(target: Harness, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const response = await fetch(`${target.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      expect({ [`${method} ${path}`]: response.status < 300 ? 'ok' : answer }).toEqual({ [`${method} ${path}`]: 'ok' });
      return answer;
    }

    it("holds a request to the user's own, every team's and the token's limits, refusing by the tightest", async () => {
      const target = await start({ identityStore: database.store, limits: { default: { requestsPerMinute: 1 } } });
      await admin(target, 'POST', '/admin/v1/users', { id: 'dana' });
      await admin(target, 'PATCH', '/admin/v1/users/dana', { limits: { requestsPerMinute: 10 } });
      await admin(target, 'POST', '/admin/v1/teams', { id: 'red', name: 'Red' });
      await admin(target, 'PATCH', '/admin/v1/teams/red', { limits: { requestsPerMinute: 2 } });
      await admin(target, 'PUT', '/admin/v1/teams/red/members/dana');
      const issued = (await admin(target, 'POST', '/admin/v1/users/dana/tokens', { name: 'cli', limits: { requestsPerMinute: 5, concurrent: 1 } })) as { token: string; id: string };
      const token = issued.token;

      const caller = { authorization: `Bearer ${token}` };
      type Item = { scope: string; id: string; kind: string; remaining: number };
      const items = await waitFor(
        async () => {
          const response = await fetch(`${target.url}/v1/me/limits`, { headers: caller });
          return response.status === 200 ? ((await response.json()) as { items: Item[] }).items : [];
        },
        (read) => read.length >= 4,
        "the token's counters in /v1/me/limits",
      );
      expect(items.map(({ scope, kind, remaining }) => `${scope}:${kind}:${remaining}`)).toEqual([
        'user:request:10',
        'team:request:2',
        'token:request:5',
        'token:concurrency:1',
      ]);
      expect(items.map((item) => item.id)).toEqual(['dana', 'red', issued.id, issued.id]);

      const call = () => fetch(`${target.url}/openai/v1/chat/completions`, { method: 'POST', headers: { ...caller, 'content-type': 'application/json' }, body: JSON.stringify(CHAT) });
      const first = await call();
      expect(first.status).toBe(200);
      await first.text();
      expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
      await (await call()).text();
      const refused = await call();
      expect(refused.status).toBe(429);
      expect((await errorJson(refused)).error.message).toBe("request limit exceeded for team 'red' (2 requests per minute); retry in 30 s");
      expect(await metrics(target)).toContain('tollgate_limit_refusals_total{kind="request",scope="team"} 1');
    });
  });
});
