import OpenAI from 'openai';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { hint } from '@tollgate/keypool';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const POOL_KEY = '0123456789abcdef0123456789abcdef';
// An 84-character Azure key, as newer resources issue them.
const OWN_KEY = 'A1b2C3d4E5'.repeat(8) + 'F6g7';

/** A user's key saved for an Azure provider: no `sk-` needed, verified against Azure's model list, sent in `api-key`. */
describe('stored keys on an Azure OpenAI provider', () => {
  let identity: IdentityDatabase;
  let mock: MockUpstream;
  let harness: Harness;
  let token: string;

  const api = async (method: string, path: string, bearer: string, body?: unknown) => {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : undefined) as { error?: { message: string } } };
  };

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    mock = await startMockUpstream();
    harness = await startHarness({
      mock,
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('test1') },
      identity: { pollInterval: '100ms' },
      providers: [
        { name: 'azure', type: 'openai', baseUrl: mock.azureEndpoint, auth: 'api-key', keys: [POOL_KEY], azure: { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o' } } },
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['sk-pool-key-0001'] },
      ],
    });
    expect((await api('POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'erin', byokMode: 'prefer' })).status).toBe(201);
    token = ((await api('POST', '/admin/v1/users/erin/tokens', ADMIN_TOKEN, { name: 'laptop' })).json as unknown as { token: string }).token;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await mock?.close();
    await identity?.drop();
  });

  beforeEach(() => mock.reset());

  it("accepts an Azure key without sk-, after one check of Azure's model list with the key in api-key", async () => {
    expect((await api('PUT', '/v1/me/keys/openai', token, { key: OWN_KEY })).status).toBe(400);
    const saved = await api('PUT', '/v1/me/keys/azure', token, { key: OWN_KEY, verify: true });
    expect(saved.status).toBe(200);
    expect(mock.received.map((request) => [request.method, request.path, request.query, request.headers['api-key'], request.headers.authorization])).toEqual([
      ['GET', '/azure/openai/models', { 'api-version': '2024-10-21' }, OWN_KEY, undefined],
    ]);
  });

  it.each([false, true])('serves the user with the stored key in api-key (stream: %s)', async (stream) => {
    const client = new OpenAI({ apiKey: token, baseURL: `${harness.url}/azure/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const started = await harness.sink.waitForStarted(response.headers.get('x-tollgate-interception-id')!);
    expect(started).toMatchObject({ credentialKind: 'byok', credentialSource: 'stored', credentialHint: hint(OWN_KEY) });
    const received = mock.received[0];
    expect(received.path).toBe('/azure/openai/deployments/prod-gpt4o/chat/completions');
    expect(received.headers['api-key']).toBe(OWN_KEY);
    expect(received.headers.authorization).toBeUndefined();
  });
});
