import { createPinnedDispatcher, generateKeyEncryptionKey } from '@tollgate/byok';
import type { EndpointGuard } from '@tollgate/gateway';
import { startMockUpstream, startTestMcpServer, type MockUpstream, type TestMcpServer } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const SEARCH = 'mcp_docs_search';
const REQUEST_KEY = 'sk-alice-own-openai-key-0001';
const ENDPOINT_KEY = 'or-ivy-endpoint-key-0001';
const USER_HOST = 'user-endpoint.test';

type Credential = 'pool key' | 'user key' | 'user endpoint';

describe('injected MCP tools and the user’s own credentials', () => {
  let identity: IdentityDatabase;
  let mock: MockUpstream;
  let mcp: TestMcpServer;
  const encryptionKeys = generateKeyEncryptionKey('test1');
  /** The made-up public name of the user endpoint, pinned to the mock (the real guard refuses loopback). */
  const guard: EndpointGuard = async (baseUrl) => {
    const url = new URL(baseUrl);
    if (url.hostname !== USER_HOST) return { ok: false, reason: 'not the test endpoint' };
    const dispatcher = createPinnedDispatcher(url, { address: '127.0.0.1', family: 4 }, { connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
    return { ok: true, url, dispatcher };
  };
  let ivyToken: string;

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    mock = await startMockUpstream();
    mcp = await startTestMcpServer();
  });

  afterAll(async () => {
    await mcp?.close();
    await mock?.close();
    await identity?.drop();
  });

  function startGateway(mcpSettings: Record<string, unknown>): Promise<Harness> {
    return startHarness({
      mock,
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys },
      endpointGuard: guard,
      mcp: { servers: [{ name: 'docs', url: mcp.url }], ...mcpSettings },
      providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: true }],
    });
  }

  async function ensureEndpointUser(harness: Harness): Promise<void> {
    if (ivyToken) return;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    expect((await fetch(`${harness.url}/admin/v1/users`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'ivy' }) })).status).toBe(201);
    const issued = await fetch(`${harness.url}/admin/v1/users/ivy/tokens`, { method: 'POST', headers: admin, body: '{}' });
    ivyToken = ((await issued.json()) as { token: string }).token;
    const saved = await fetch(`${harness.url}/v1/me/keys/openai`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ivyToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: ENDPOINT_KEY, baseUrl: `http://${USER_HOST}:${mock.port}/openai/v1/` }),
    });
    expect(saved.status).toBe(200);
  }

  async function ask(harness: Harness, credential: Credential, stream: boolean): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credential === 'pool key') headers.authorization = `Bearer ${ALICE_TOKEN}`;
    if (credential === 'user key') Object.assign(headers, { authorization: `Bearer ${REQUEST_KEY}`, 'x-tollgate-token': ALICE_TOKEN });
    if (credential === 'user endpoint') headers.authorization = `Bearer ${ivyToken}`;
    const response = await fetch(`${harness.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'find pool docs' }] }),
    });
    return { status: response.status, text: await response.text() };
  }

  const injectedTools = (index: number): string[] =>
    ((mock.received[index].body as { tools?: Array<{ function: { name: string } }> }).tools ?? []).map((tool) => tool.function.name);

  const credentialOf: Record<Credential, string> = { 'pool key': KEYS[0], 'user key': REQUEST_KEY, 'user endpoint': ENDPOINT_KEY };

  describe('by default (pool keys only)', () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startGateway({});
      await ensureEndpointUser(harness);
    });
    afterAll(() => harness?.close());
    beforeEach(() => mock.reset());

    it.each([false, true])('a pool-key request gets the tools and the gateway runs their calls (stream: %s)', async (stream) => {
      const callsBefore = mcp.calls.length;
      mock.script(KEYS[0], { toolCall: { name: SEARCH, arguments: { query: 'pool' } } });
      const answer = await ask(harness, 'pool key', stream);
      expect(answer.status).toBe(200);
      expect(injectedTools(0)).toContain(SEARCH);
      expect(mcp.calls.length).toBe(callsBefore + 1);
      expect(mock.received).toHaveLength(2);
    });

    it.each([
      ['user key', false],
      ['user key', true],
      ['user endpoint', false],
      ['user endpoint', true],
    ] as Array<[Credential, boolean]>)('a %s request gets no tools, and a call named like one is not run (stream: %s)', async (credential, stream) => {
      const callsBefore = mcp.calls.length;
      mock.script(credentialOf[credential], { toolCall: { name: SEARCH, arguments: { query: 'secrets' } } });
      const answer = await ask(harness, credential, stream);
      expect(answer.status).toBe(200);
      expect(mock.keysSeen()).toEqual([credentialOf[credential]]);
      expect(injectedTools(0)).toEqual([]);
      // The model's call reaches the client as a client tool call; the operator's MCP server is never asked.
      expect(answer.text).toContain(SEARCH);
      expect(mcp.calls.length).toBe(callsBefore);
    });
  });

  describe('with mcp.userKeys and mcp.userEndpoints on', () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startGateway({ userKeys: true, userEndpoints: true });
      await ensureEndpointUser(harness);
    });
    afterAll(() => harness?.close());
    beforeEach(() => mock.reset());

    it.each(['user key', 'user endpoint'] as Credential[])('a %s request gets the tools and the gateway runs their calls', async (credential) => {
      const callsBefore = mcp.calls.length;
      mock.script(credentialOf[credential], { toolCall: { name: SEARCH, arguments: { query: 'pool' } } });
      const answer = await ask(harness, credential, false);
      expect(answer.status).toBe(200);
      expect(injectedTools(0)).toContain(SEARCH);
      expect(mcp.calls.length).toBe(callsBefore + 1);
      expect(mock.keysSeen()).toEqual([credentialOf[credential], credentialOf[credential]]);
    });
  });
});
