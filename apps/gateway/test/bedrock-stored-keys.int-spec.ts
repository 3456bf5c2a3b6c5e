import Anthropic from '@anthropic-ai/sdk';
import { generateKeyEncryptionKey } from '@tollgate/byok';
import { startMockBedrock, waitUntil, type MockBedrock } from '@tollgate/testing';
import { ADMIN_TOKEN, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

const POOL = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const STORED_API_KEY = 'ABSKc3RvcmVkIEJlZHJvY2sgQVBJIGtleSBvZiBjYXJvbA==';

async function api(harness: Harness, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${harness.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('stored keys of a Bedrock provider', () => {
  let identity: IdentityDatabase;
  let bedrock: MockBedrock;
  let harness: Harness;
  let token: string;

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [POOL], apiKeys: [STORED_API_KEY] });
    harness = await startHarness({
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: generateKeyEncryptionKey('test1'), AWS_ID: POOL.accessKeyId, AWS_SECRET: POOL.secretAccessKey },
      identity: { pollInterval: '100ms' },
      providers: [{ name: 'claude', type: 'anthropic', upstream: 'bedrock', region: 'us-east-1', baseUrl: bedrock.url, keys: [{ accessKeyId: '${AWS_ID}', secretAccessKey: '${AWS_SECRET}' }] }],
    });
    expect((await api(harness, 'POST', '/admin/v1/users', ADMIN_TOKEN, { id: 'carol' })).status).toBe(201);
    token = (await api(harness, 'POST', '/admin/v1/users/carol/tokens', ADMIN_TOKEN, { name: 'laptop' })).json.token;
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await bedrock?.close();
    await identity?.drop();
  });

  it('refuses verify (no cheap key check on Bedrock), stores a Bedrock API key, and sends it as a Bearer token instead of the pool', async () => {
    const verified = await api(harness, 'PUT', '/v1/me/keys/claude', token, { key: STORED_API_KEY, verify: true });
    expect(verified.status).toBe(400);
    expect(verified.json.error.message).toContain('cannot be verified');

    const saved = await api(harness, 'PUT', '/v1/me/keys/claude', token, { key: STORED_API_KEY });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.json)).not.toContain(STORED_API_KEY);

    const anthropic = new Anthropic({ apiKey: token, baseURL: `${harness.url}/claude`, maxRetries: 0 });
    const request = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    await waitUntil(async () => {
      bedrock.reset();
      await anthropic.messages.create(request);
      return bedrock.received[0]?.identity === STORED_API_KEY;
    }, 'the stored key in use');
    expect(bedrock.received[0].headers.authorization).toBe(`Bearer ${STORED_API_KEY}`);
    bedrock.reset();
    await anthropic.messages.stream(request).finalMessage();
    expect(bedrock.received.map((call) => [call.identity, call.operation])).toEqual([[STORED_API_KEY, 'invoke-with-response-stream']]);
  });
});
