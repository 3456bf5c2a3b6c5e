import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createPinnedDispatcher, generateKeyEncryptionKey, type ByokMode } from '@tollgate/byok';
import { createUserEndpoints, type EndpointGuard } from '@tollgate/gateway';
import { RedisKeyStateStore, hint } from '@tollgate/keypool';
import type { SqlClient } from '@tollgate/platform';
import type { PostgresIdentityStore } from '@tollgate/sql-stores';
import { createTestRedisPrefix, dumpRedisKeyspace, startMockUpstream, testRedisUrl, waitUntil, type MockUpstream, type TestRedisPrefix } from '@tollgate/testing';
import { ADMIN_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const MODES: ByokMode[] = ['disabled', 'prefer', 'require'];
const REQUEST_KEYS = { openai: 'sk-request-openai-key-0001', anthropic: 'sk-ant-request-key-0001' } as const;
const STORED_KEYS = { openai: 'sk-stored-openai-key-0002', anthropic: 'sk-ant-stored-key-00002' } as const;
type ProviderName = keyof typeof REQUEST_KEYS;
type Supplied = 'request key' | 'stored key' | 'no key';


/** Everything the API answered, to scan for key material at the end. */
const answered: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers of many shapes, asserted field by field
type Json = any;

async function api(harness: Harness, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${harness.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  answered.push(text);
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** A bridged request as a client sends it: the gateway token as API key, or (BYOK) beside its own key. */
async function callModel(harness: Harness, provider: ProviderName, token: string, options: { requestKey?: string; stream: boolean }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let path: string;
  let body: Record<string, unknown>;
  if (provider === 'openai') {
    path = '/openai/v1/chat/completions';
    body = { model: 'gpt-4o-mini', stream: options.stream, messages: [{ role: 'user', content: 'hello' }] };
    if (options.requestKey) Object.assign(headers, { authorization: `Bearer ${options.requestKey}`, 'x-tollgate-token': token });
    else headers.authorization = `Bearer ${token}`;
  } else {
    path = '/anthropic/v1/messages';
    body = { model: 'claude-sonnet-4-5', max_tokens: 50, stream: options.stream, messages: [{ role: 'user', content: 'hello' }] };
    headers['anthropic-version'] = '2023-06-01';
    if (options.requestKey) Object.assign(headers, { 'x-api-key': options.requestKey, 'x-tollgate-token': token });
    else headers['x-api-key'] = token;
  }
  const response = await fetch(`${harness.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  answered.push(text);
  return { status: response.status, headers: response.headers, text };
}

describe('bring your own key', () => {
  let identity: IdentityDatabase;
  let sql: SqlClient;
  let store: PostgresIdentityStore;
  let mock: MockUpstream;
  let harness: Harness;
  let redisPrefix: TestRedisPrefix;
  const encryptionKeys = generateKeyEncryptionKey('test1');
  /** user id → gateway token, e.g. `prefer-stored`. */
  const tokens = new Map<string, string>();
  // The gateway's spans, kept in memory, to scan for key material.
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
    identity = await createIdentityDatabase();
    ({ store, sql } = identity);
    mock = await startMockUpstream();
    redisPrefix = createTestRedisPrefix();
    harness = await startHarness({
      mock,
      identityStore: store,
      keyStateStore: new RedisKeyStateStore({ redis: testRedisUrl(), keyPrefix: `${redisPrefix.prefix}:keys:` }),
      env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys },
      identity: { pollInterval: '100ms' },
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: true },
        { name: 'anthropic', type: 'anthropic', baseUrl: mock.anthropicBaseUrl, keys: KEYS },
      ],
    });
    for (const mode of MODES) {
      for (const variant of ['stored', 'plain']) {
        const id = `${mode}-${variant}`;
        expect((await api(harness, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id, byokMode: mode })).status).toBe(201);
        const issued = await api(harness, 'POST', `/admin/v1/users/${id}/tokens`, ADMIN_TOKEN, { name: 'laptop' });
        expect(issued.status).toBe(201);
        tokens.set(id, issued.json.token);
        if (variant === 'stored') {
          for (const provider of ['openai', 'anthropic'] as const) {
            const saved = await api(harness, 'PUT', `/v1/me/keys/${provider}`, issued.json.token, { key: STORED_KEYS[provider] });
            expect(saved.status).toBe(200);
          }
        }
      }
    }
  }, 60_000);

  afterAll(async () => {
    trace.disable();
    await harness?.close();
    await mock?.close();
    await identity?.drop();
    await redisPrefix?.cleanup();
  });

  beforeEach(() => mock.reset());

  describe.each(MODES)('mode %s', (mode) => {
    const expectations: Record<ByokMode, Record<Supplied, 'request' | 'stored' | 'pool' | 'byok_disabled' | 'byok_required'>> = {
      disabled: { 'request key': 'byok_disabled', 'stored key': 'pool', 'no key': 'pool' },
      prefer: { 'request key': 'request', 'stored key': 'stored', 'no key': 'pool' },
      require: { 'request key': 'request', 'stored key': 'stored', 'no key': 'byok_required' },
    };

    describe.each(['request key', 'stored key', 'no key'] as Supplied[])('%s', (supplied) => {
      it.each([
        ['openai', false],
        ['openai', true],
        ['anthropic', false],
        ['anthropic', true],
      ] as [ProviderName, boolean][])('%s (stream: %s)', async (provider, stream) => {
        const token = tokens.get(`${mode}-${supplied === 'stored key' ? 'stored' : 'plain'}`)!;
        const requestKey = supplied === 'request key' ? REQUEST_KEYS[provider] : undefined;
        const expected = expectations[mode][supplied];
        const result = await callModel(harness, provider, token, { requestKey, stream });

        if (expected === 'byok_disabled' || expected === 'byok_required') {
          expect(result.status).toBe(403);
          const error = JSON.parse(result.text);
          if (provider === 'openai') expect(error.error).toMatchObject({ type: 'permission_error', code: expected });
          else expect(error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
          if (expected === 'byok_required') expect(error.error.message).toContain(`PUT /v1/me/keys/${provider}`);
          expect(mock.keysSeen()).toEqual([]);
          return;
        }

        expect(result.status).toBe(200);
        if (stream) expect(result.headers.get('content-type')).toContain('text/event-stream');
        const credential = expected === 'request' ? REQUEST_KEYS[provider] : expected === 'stored' ? STORED_KEYS[provider] : KEYS[0];
        expect(mock.keysSeen()).toEqual([credential]);

        const interceptionId = result.headers.get('x-tollgate-interception-id')!;
        const started = await harness.sink.waitForStarted(interceptionId);
        expect(started).toMatchObject({
          credentialKind: expected === 'pool' ? 'centralized' : 'byok',
          credentialSource: expected,
          credentialHint: expected === 'pool' ? '' : hint(credential),
        });
        const ended = await harness.sink.waitForEnded(interceptionId);
        expect(ended.credentialHint).toBe(hint(credential));
      });
    });
  });

  it('relays a failing stored key (429, 401) to the client unchanged and never touches the pool', async () => {
    const token = tokens.get('prefer-stored')!;
    mock.script(STORED_KEYS.openai, { status: 429, headers: { 'retry-after': '7' } }, { status: 401 });
    const limited = await callModel(harness, 'openai', token, { stream: false });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    const refused = await callModel(harness, 'openai', token, { stream: true });
    expect(refused.status).toBe(401);
    expect(mock.keysSeen()).toEqual([STORED_KEYS.openai, STORED_KEYS.openai]);
    const pool = await api(harness, 'GET', '/admin/v1/providers/openai/keys', ADMIN_TOKEN);
    expect(pool.json.keys.map((key: { state: string }) => key.state)).toEqual(['valid', 'valid', 'valid']);
  });

  it('a request key wins over a stored key, and a removed stored key is no longer used', async () => {
    const token = tokens.get('prefer-stored')!;
    await callModel(harness, 'anthropic', token, { requestKey: REQUEST_KEYS.anthropic, stream: false });
    expect(mock.keysSeen()).toEqual([REQUEST_KEYS.anthropic]);

    const other = await api(harness, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'dana' });
    expect(other.status).toBe(201);
    const dana = (await api(harness, 'POST', '/admin/v1/users/dana/tokens', ADMIN_TOKEN, {})).json.token;
    await api(harness, 'PUT', '/v1/me/keys/openai', dana, { key: 'sk-dana-openai-key-00003' });
    await callModel(harness, 'openai', dana, { stream: false });
    expect((await api(harness, 'DELETE', '/v1/me/keys/openai', dana)).status).toBe(204);
    await callModel(harness, 'openai', dana, { stream: false });
    expect(mock.keysSeen()).toEqual([REQUEST_KEYS.anthropic, 'sk-dana-openai-key-00003', KEYS[0]]);
  });

  describe('the APIs', () => {
    it('lists a user’s own keys by hint only, and a user cannot reach another user’s keys', async () => {
      const mine = await api(harness, 'GET', '/v1/me/keys', tokens.get('prefer-stored')!);
      expect(mine.status).toBe(200);
      expect(mine.json.keys.map((key: { provider: string; hint: string }) => [key.provider, key.hint]).sort()).toEqual([
        ['anthropic', hint(STORED_KEYS.anthropic)],
        ['openai', hint(STORED_KEYS.openai)],
      ]);
      // Another user's DELETE is scoped to themselves: it cannot remove prefer-stored's key.
      expect((await api(harness, 'DELETE', '/v1/me/keys/openai', tokens.get('prefer-plain')!)).status).toBe(404);
      expect((await api(harness, 'GET', '/v1/me/keys', tokens.get('prefer-stored')!)).json.keys).toHaveLength(2);
      const me = await api(harness, 'GET', '/v1/me', tokens.get('require-plain')!);
      expect(me.json).toMatchObject({ id: 'require-plain', byokMode: 'require', effectiveByokMode: 'require', keys: [] });
    });

    it('refuses user tokens on admin routes and admin tokens on user routes', async () => {
      const userToken = tokens.get('prefer-plain')!;
      for (const [method, path] of [
        ['GET', '/admin/v1/users'],
        ['POST', '/admin/v1/users/prefer-plain/tokens'],
        ['GET', '/admin/v1/users/prefer-stored/keys'],
        ['PATCH', '/admin/v1/users/prefer-plain'],
      ]) {
        const response = await api(harness, method, path, userToken, method === 'GET' ? undefined : {});
        expect([method, path, response.status]).toEqual([method, path, 401]);
      }
      expect((await api(harness, 'GET', '/v1/me', ADMIN_TOKEN)).status).toBe(401);
      expect((await api(harness, 'GET', '/v1/me', 'tg_not_a_token_at_all')).status).toBe(401);
    });

    it('validates input: unknown fields, bad values, bad keys, unknown providers, malformed JSON', async () => {
      const token = tokens.get('prefer-plain')!;
      const cases: [string, string, string, unknown, number, string][] = [
        ['POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'eve', role: 'root' }, 400, 'Unrecognized key'],
        ['POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'has space' }, 400, 'id:'],
        ['POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'prefer-plain' }, 409, 'already exists'],
        ['PATCH', '/admin/v1/users/prefer-plain', ADMIN_TOKEN, { byokMode: 'sometimes' }, 400, 'byokMode'],
        ['PATCH', '/admin/v1/users/nobody', ADMIN_TOKEN, { byokMode: 'prefer' }, 404, 'no user'],
        ['PUT', '/v1/me/keys/openai', token, { key: 'not-an-openai-key' }, 400, 'sk-'],
        ['PUT', '/v1/me/keys/anthropic', token, { key: 'sk-openai-style-key-123' }, 400, 'sk-ant-'],
        ['PUT', '/v1/me/keys/openai', token, { key: 'sk-valid-key-1234567', extra: true }, 400, 'Unrecognized key'],
        ['PUT', '/v1/me/keys/openai', token, { key: `sk-${'x'.repeat(5000)}` }, 400, 'key:'],
        ['PUT', '/v1/me/keys/nope', token, { key: 'sk-valid-key-1234567' }, 404, 'no provider'],
        ['PUT', '/v1/me/keys/anthropic', token, { key: 'sk-ant-key-1234567', baseUrl: 'https://example.com/v1/' }, 400, 'user endpoints'],
        ['PUT', '/v1/me/keys/openai', token, { key: 'sk-valid-key-1234567', baseUrl: 'http://127.0.0.1:8080/v1/' }, 400, 'baseUrl refused'],
        ['PUT', '/v1/me/keys/openai', token, { key: 'sk-valid-key-1234567', baseUrl: 'https://169.254.169.254/' }, 400, 'baseUrl refused'],
      ];
      for (const [method, path, who, body, status, message] of cases) {
        const response = await api(harness, method, path, who, body);
        expect([path, body, response.status]).toEqual([path, body, status]);
        expect(response.json.error.message).toContain(message);
        expect(typeof response.json.error.type).toBe('string');
      }
      const malformed = await fetch(`${harness.url}/admin/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: '{"id": ',
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request' } });
    });

    it('verifies a key on request with one model-list call, and refuses a key the provider refuses', async () => {
      const token = tokens.get('prefer-plain')!;
      const good = await api(harness, 'PUT', '/v1/me/keys/anthropic', token, { key: 'sk-ant-verified-key-0001', verify: true });
      expect(good.status).toBe(200);
      expect(mock.received.map((request) => [request.method, request.path, request.credential])).toEqual([
        ['GET', '/anthropic/v1/models', 'sk-ant-verified-key-0001'],
      ]);
      mock.script('sk-refused-openai-key-0001', { status: 401 });
      const refused = await api(harness, 'PUT', '/v1/me/keys/openai', token, { key: 'sk-refused-openai-key-0001', verify: true });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ type: 'key_verification_failed', message: expect.stringContaining('401') });
      expect((await api(harness, 'GET', '/v1/me/keys', token)).json.keys.map((key: { provider: string }) => key.provider)).toEqual(['anthropic']);
      expect((await api(harness, 'DELETE', '/v1/me/keys/anthropic', token)).status).toBe(204);
    });

    it('pages through users with an opaque cursor', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const query = after ? `?limit=2&after=${encodeURIComponent(after)}` : '?limit=2';
        const response = await api(harness, 'GET', `/admin/v1/users${query}`, ADMIN_TOKEN);
        expect(response.status).toBe(200);
        expect(response.json.items.length).toBeLessThanOrEqual(2);
        seen.push(...response.json.items.map((user: { id: string }) => user.id));
        after = response.json.next;
        if (!after) break;
      }
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(['disabled-plain', 'prefer-stored', 'require-plain']));
      expect((await api(harness, 'GET', '/admin/v1/users?limit=0', ADMIN_TOKEN)).status).toBe(400);
      expect((await api(harness, 'GET', '/admin/v1/users?after=garbage', ADMIN_TOKEN)).status).toBe(400);
    });
  });

  describe('gateway tokens', () => {
    it('are shown once, listed by hint, and a revocation reaches a second replica at its next poll of the change log', async () => {
      const replica = await startHarness({ mock, identityStore: store, env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys }, identity: { pollInterval: '100ms' } });
      try {
        expect((await api(harness, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'frank' })).status).toBe(201);
        const issued = await api(harness, 'POST', '/admin/v1/users/frank/tokens', ADMIN_TOKEN, { name: 'ci' });
        const token: string = issued.json.token;
        expect(token).toMatch(/^tg_/);
        expect(issued.json.hint).toBe(hint(token));

        const listed = await api(harness, 'GET', '/admin/v1/users/frank/tokens', ADMIN_TOKEN);
        expect(listed.json.items).toEqual([expect.objectContaining({ id: issued.json.id, hint: hint(token), name: 'ci', revokedAt: null })]);
        expect(JSON.stringify(listed.json)).not.toContain(token);

        // The second replica learns about the new token from the change log, then is used.
        await waitUntil(async () => (await callModel(replica, 'openai', token, { stream: false })).status === 200, 'the replica accepts the new token');

        expect((await api(harness, 'DELETE', `/admin/v1/tokens/${issued.json.id}`, ADMIN_TOKEN)).status).toBe(200);
        expect((await callModel(harness, 'openai', token, { stream: false })).status).toBe(401);
        await waitUntil(async () => (await callModel(replica, 'openai', token, { stream: false })).status === 401, 'the replica refuses the revoked token');
      } finally {
        await replica.close();
      }
    });
  });

  describe('user endpoints (providers with userEndpoints: true)', () => {
    // The real guard refuses loopback, rightly; to reach the mock as a "user endpoint" the test pins one made-up
    // public name to it and leaves every other URL to the real guard (which the byok lib tests range by range).
    const USER_HOST = 'user-endpoint.test';
    let refuseUserHost = false;
    let endpoints: Harness;

    beforeAll(async () => {
      const realGuard = createUserEndpoints(harness.config).guard;
      const guard: EndpointGuard = async (baseUrl) => {
        const url = new URL(baseUrl);
        if (url.hostname !== USER_HOST) return realGuard(baseUrl);
        if (refuseUserHost) return { ok: false, reason: `${USER_HOST} now resolves to 10.0.0.7 (private)` };
        const dispatcher = createPinnedDispatcher(url, { address: '127.0.0.1', family: 4 }, { connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
        return { ok: true, url, dispatcher };
      };
      endpoints = await startHarness({
        mock,
        identityStore: store,
        env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys },
        endpointGuard: guard,
        providers: [{ name: 'compat', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: true }],
      });
    });

    afterAll(() => endpoints?.close());

    it('sends the user’s requests to their own endpoint with their key, and refuses it once it resolves to a private address', async () => {
      expect((await api(endpoints, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'gina' })).status).toBe(201);
      const token = (await api(endpoints, 'POST', '/admin/v1/users/gina/tokens', ADMIN_TOKEN, {})).json.token;
      const baseUrl = `http://${USER_HOST}:${mock.port}/openai/v1/`;
      const saved = await api(endpoints, 'PUT', '/v1/me/keys/compat', token, { key: 'or-gina-custom-endpoint-key', baseUrl });
      expect(saved.status).toBe(200);
      expect(saved.json).toMatchObject({ provider: 'compat', baseUrl, hint: hint('or-gina-custom-endpoint-key') });

      const response = await fetch(`${endpoints.url}/compat/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'some/open-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      expect(mock.keysSeen()).toEqual(['or-gina-custom-endpoint-key']);
      expect(mock.received[0].headers.host).toBe(`${USER_HOST}:${mock.port}`);
      const started = await endpoints.sink.waitForStarted(response.headers.get('x-tollgate-interception-id')!);
      expect(started).toMatchObject({ credentialKind: 'byok', credentialSource: 'stored', credentialHint: hint('or-gina-custom-endpoint-key') });

      refuseUserHost = true;
      const refused = await fetch(`${endpoints.url}/compat/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'some/open-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(refused.status).toBe(502);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_endpoint', message: expect.stringContaining('private') } });
      expect(mock.keysSeen()).toEqual(['or-gina-custom-endpoint-key']);
    });
  });

  it('keeps key material out of the database, Redis, traces, the API answers and the logs', async () => {
    const providerKeys = [...Object.values(STORED_KEYS), ...Object.values(REQUEST_KEYS)];
    const gatewayTokens = [...tokens.values()];
    const tables = await sql.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const rows = await sql.query(`SELECT * FROM "${table_name}"`);
      for (const row of rows) {
        for (const value of Object.values(row)) dump.push(Buffer.isBuffer(value) ? `${value.toString('latin1')} ${value.toString('hex')}` : JSON.stringify(value));
      }
    }
    expect(dump.length).toBeGreaterThan(0);
    const database = dump.join('\n');
    // Put something in the shared key state (a pool key cooling) so the Redis scan has entries to read.
    mock.script(KEYS[0], { status: 429, headers: { 'retry-after': '30' } });
    expect((await callModel(harness, 'openai', tokens.get('prefer-plain')!, { stream: false })).status).toBe(200);
    const redis = await dumpRedisKeyspace(redisPrefix.prefix);
    expect(redis).toContain(redisPrefix.prefix);
    const logs = harness.logs.join('\n');
    // Tokens are shown once, in the answer that issues them; provider keys are never in any answer.
    const answers = answered.join('\n');
    for (const secret of [...providerKeys, ...gatewayTokens]) {
      expect(['database', database.includes(secret)]).toEqual(['database', false]);
      expect(['logs', logs.includes(secret)]).toEqual(['logs', false]);
      expect(['redis', redis.includes(secret)]).toEqual(['redis', false]);
    }
    for (const key of providerKeys) expect(['answers', answers.includes(key)]).toEqual(['answers', false]);

    const finished = spans.getFinishedSpans();
    const upstreamHints = finished.filter((span) => span.name === 'tollgate.upstream').map((span) => span.attributes['tollgate.key.hint']);
    expect(upstreamHints).toEqual(expect.arrayContaining([hint(STORED_KEYS.openai), hint(REQUEST_KEYS.anthropic), hint(KEYS[0])]));
    const traced = JSON.stringify(
      finished.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links })),
    );
    for (const secret of [...providerKeys, ...gatewayTokens]) expect(['traces', traced.includes(secret)]).toEqual(['traces', false]);
  });
});

