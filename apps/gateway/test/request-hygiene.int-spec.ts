import { createPinnedDispatcher, generateKeyEncryptionKey } from '@tollgate/byok';
import type { EndpointGuard } from '@tollgate/gateway';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, KEYS, errorJson, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const USER_KEY = 'sk-alice-own-openai-key-0001';
const ACCOUNT_REQUEST_HEADERS = { 'openai-organization': 'org-client-chosen', 'openai-project': 'proj_client_chosen' };
const ACCOUNT_RESPONSE_HEADERS = {
  'set-cookie': '__cf_bm=pool-account-cookie; path=/; HttpOnly',
  'openai-organization': 'org-company-pool',
  'openai-project': 'proj_company_pool',
  'anthropic-organization-id': 'company-pool-org-id',
};

function chatBody(stream: boolean): string {
  return JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] });
}

describe('request and response hygiene', () => {
  let mock: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    mock = await startMockUpstream();
    harness = await startHarness({ mock });
  });

  afterAll(async () => {
    await harness?.close();
    await mock?.close();
  });

  beforeEach(() => mock.reset());

  describe('provider account headers', () => {
    const calls: Array<[string, string, string | undefined]> = [
      ['bridged chat, blocking', '/openai/v1/chat/completions', chatBody(false)],
      ['bridged chat, streaming', '/openai/v1/chat/completions', chatBody(true)],
      ['passthrough', '/openai/v1/models', undefined],
    ];

    it.each(calls)('%s with a pool key: OpenAI-Organization/-Project are not sent upstream, account headers and cookies not relayed back', async (_case, path, body) => {
      mock.script('*', { headers: ACCOUNT_RESPONSE_HEADERS });
      const response = await fetch(`${harness.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json', ...ACCOUNT_REQUEST_HEADERS },
        body,
      });
      expect(response.status).toBe(200);
      await response.text();
      expect(mock.keysSeen()).toEqual([KEYS[0]]);
      const sent = mock.received[0].headers;
      expect(sent).not.toHaveProperty('openai-organization');
      expect(sent).not.toHaveProperty('openai-project');
      for (const name of Object.keys(ACCOUNT_RESPONSE_HEADERS)) expect([name, response.headers.get(name)]).toEqual([name, null]);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it.each(calls)('%s with the user’s own key: both directions are the user’s business and pass unchanged', async (_case, path, body) => {
      mock.script('*', { headers: ACCOUNT_RESPONSE_HEADERS });
      const response = await fetch(`${harness.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${USER_KEY}`, 'x-tollgate-token': ALICE_TOKEN, 'content-type': 'application/json', ...ACCOUNT_REQUEST_HEADERS },
        body,
      });
      expect(response.status).toBe(200);
      await response.text();
      expect(mock.keysSeen()).toEqual([USER_KEY]);
      expect(mock.received[0].headers).toMatchObject(ACCOUNT_REQUEST_HEADERS);
      expect(response.headers.get('openai-organization')).toBe('org-company-pool');
      expect(response.headers.get('anthropic-organization-id')).toBe('company-pool-org-id');
      expect(response.headers.getSetCookie()).toEqual([ACCOUNT_RESPONSE_HEADERS['set-cookie']]);
    });
  });

  describe('encoded path tricks in passthrough ids', () => {
    it.each([
      ['GET', '/openai/v1/responses/..%2Fmodels'],
      ['GET', '/openai/v1/responses/..%2fchat%2fcompletions'],
      ['DELETE', '/openai/v1/responses/%2e%2e%2Fmodels'],
      ['GET', '/openai/v1/conversations/conv_1/items/..%5C..%5Cmodels'],
      ['GET', '/openai/v1/responses/%252e%252e%252fmodels'],
      ['GET', '/anthropic/v1/models/..%2F..%2Fv1%2Fmessages'],
    ])('%s %s is refused with a provider-shaped 404 and never reaches upstream', async (method, path) => {
      const headers = path.startsWith('/anthropic') ? { 'x-api-key': ALICE_TOKEN } : { authorization: `Bearer ${ALICE_TOKEN}` };
      const response = await fetch(`${harness.url}${path}`, { method, headers });
      expect(response.status).toBe(404);
      const error = await errorJson(response);
      expect(error.error).toMatchObject({ type: 'not_found_error', message: expect.stringContaining('route not supported') });
      expect(mock.received).toHaveLength(0);
    });
  });
});

describe('a stored user endpoint once the provider stops accepting user endpoints', () => {
  const USER_HOST = 'user-endpoint.test';
  let identity: IdentityDatabase;
  let mock: MockUpstream;
  let allowing: Harness;
  let notAllowing: Harness;
  const encryptionKeys = generateKeyEncryptionKey('test1');

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    mock = await startMockUpstream();
    // The real guard refuses loopback; the test pins one made-up public name to the mock.
    const guard: EndpointGuard = async (baseUrl) => {
      const url = new URL(baseUrl);
      if (url.hostname !== USER_HOST) return { ok: false, reason: 'not the test endpoint' };
      const dispatcher = createPinnedDispatcher(url, { address: '127.0.0.1', family: 4 }, { connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
      return { ok: true, url, dispatcher };
    };
    const common = { mock, identityStore: identity.store, env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys }, endpointGuard: guard, identity: { pollInterval: '100ms' } };
    allowing = await startHarness({ ...common, providers: [{ name: 'compat', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: true }] });
    notAllowing = await startHarness({ ...common, providers: [{ name: 'compat', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: false }] });
  }, 30_000);

  afterAll(async () => {
    await allowing?.close();
    await notAllowing?.close();
    await mock?.close();
    await identity?.drop();
  });

  async function json(target: Harness, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, never> }> {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, never> };
  }

  it.each([false, true])('is refused with 403 user_endpoint_disabled, nothing sent anywhere (stream: %s)', async (stream) => {
    const user = `hank-${stream}`;
    expect((await json(allowing, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id: user })).status).toBe(201);
    const token = (await json(allowing, 'POST', `/admin/v1/users/${user}/tokens`, ADMIN_TOKEN, {})).json.token as string;
    const saved = await json(allowing, 'PUT', '/v1/me/keys/compat', token, { key: 'or-hank-endpoint-key', baseUrl: `http://${USER_HOST}:${mock.port}/openai/v1/` });
    expect(saved.status).toBe(200);
    const ask = (target: Harness) =>
      fetch(`${target.url}/compat/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'some/open-model', stream, messages: [{ role: 'user', content: 'hi' }] }),
      });
    mock.reset();
    const served = await ask(allowing);
    expect(served.status).toBe(200);
    await served.text();
    expect(mock.keysSeen()).toEqual(['or-hank-endpoint-key']);
    mock.reset();

    // The second gateway learns the new token, then the stored key, from the database's change log: until then it
    // answers 401, or serves the user from the pool.
    const learning = (response: Response) => response.status === 401 || mock.keysSeen().some((key) => KEYS.includes(key));
    let refused = await ask(notAllowing);
    for (const deadline = Date.now() + 5_000; learning(refused) && Date.now() < deadline; refused = await ask(notAllowing)) {
      await refused.text();
      mock.reset();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused.status).toBe(403);
    const error = await errorJson(refused);
    expect(error.error).toMatchObject({ type: 'permission_error', code: 'user_endpoint_disabled', message: expect.stringContaining('DELETE /v1/me/keys/compat') });
    expect(mock.received).toHaveLength(0);
  });
});
