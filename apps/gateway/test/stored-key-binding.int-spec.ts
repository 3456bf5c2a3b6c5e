import { createPinnedDispatcher, generateKeyEncryptionKey } from '@tollgate/byok';
import type { EndpointGuard } from '@tollgate/gateway';
import { hint } from '@tollgate/keypool';
import { sealProviderKeyAsLegacy, startMockUpstream, waitUntil, type MockUpstream } from '@tollgate/testing';
import { ADMIN_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';
import { createIdentityDatabase, type IdentityDatabase } from './support/identity-database';

// Both names are pinned to the mock, so a request that gets past decryption reaches it whichever endpoint the row
// names: only the binding of base_url into the ciphertext can stop the tampered one.
const USER_HOST = 'user-endpoint.test';
const ATTACKER_HOST = 'attacker.test';

describe('a stored key is bound to its endpoint (base_url)', () => {
  let identity: IdentityDatabase;
  let mock: MockUpstream;
  let harness: Harness;
  const encryptionKeys = generateKeyEncryptionKey('binding');

  const endpointOf = (host: string) => `http://${host}:${mock.port}/openai/v1/`;
  const guard: EndpointGuard = async (baseUrl) => {
    const url = new URL(baseUrl);
    if (url.hostname !== USER_HOST && url.hostname !== ATTACKER_HOST) return { ok: false, reason: 'not a test endpoint' };
    const dispatcher = createPinnedDispatcher(url, { address: '127.0.0.1', family: 4 }, { connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
    return { ok: true, url, dispatcher };
  };
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${harness.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const chat = (token: string) => api('POST', '/compat/v1/chat/completions', token, { model: 'some/open-model', messages: [{ role: 'user', content: 'hi' }] });
  const createUser = async (id: string): Promise<string> => {
    expect((await api('POST', '/admin/v1/users', ADMIN_TOKEN, { id })).status).toBe(201);
    return (await api('POST', `/admin/v1/users/${id}/tokens`, ADMIN_TOKEN, {})).json.token as string;
  };
  const keyRow = async (userId: string) =>
    (await identity.sql.query<{ iv: Buffer; base_url: string | null }>(`SELECT iv, base_url FROM user_provider_keys WHERE user_id = $1 AND provider_name = 'compat'`, [userId]))[0];
  /** What someone with write access to the database (not to the key-encryption keys) could do: point the key elsewhere. */
  const repointInSql = async (userId: string, baseUrl: string) => {
    await identity.sql.query(`UPDATE user_provider_keys SET base_url = $1 WHERE user_id = $2 AND provider_name = 'compat'`, [baseUrl, userId]);
    await identity.sql.query('INSERT INTO directory_changes (user_id) VALUES ($1)', [userId]); // the gateways reload the row
  };
  const refusedAsUnusable = (answer: { status: number; json: { error?: { message?: string } } }) =>
    answer.status === 500 && (answer.json.error?.message ?? '').includes('your stored key for compat cannot be used');

  beforeAll(async () => {
    identity = await createIdentityDatabase();
    mock = await startMockUpstream();
    harness = await startHarness({
      mock,
      identityStore: identity.store,
      env: { TOLLGATE_ENCRYPTION_KEYS: encryptionKeys },
      identity: { pollInterval: '100ms' },
      endpointGuard: guard,
      providers: [{ name: 'compat', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: KEYS, userEndpoints: true }],
    });
  });
  afterAll(async () => {
    await harness?.close();
    await mock?.close();
    await identity?.drop();
  });

  it('a key saved with an endpoint fails to decrypt once its base_url is changed in SQL; nothing is sent anywhere', async () => {
    const token = await createUser('gina');
    expect((await api('PUT', '/v1/me/keys/compat', token, { key: 'or-gina-endpoint-key-0001', baseUrl: endpointOf(USER_HOST) })).status).toBe(200);
    expect((await chat(token)).status).toBe(200);
    expect(mock.keysSeen()).toEqual(['or-gina-endpoint-key-0001']);

    await repointInSql('gina', endpointOf(ATTACKER_HOST));
    await waitUntil(async () => refusedAsUnusable(await chat(token)), 'the stored key refused as unusable');
    mock.reset();
    expect(refusedAsUnusable(await chat(token))).toBe(true);
    expect(mock.received).toEqual([]);
    expect(harness.logs.join('')).toContain('stored key cannot be decrypted');
    expect(harness.logs.join('')).not.toContain('or-gina-endpoint-key-0001');
  });

  it('a key stored before the endpoint was bound still works, is sealed again bound to it, and then resists the same change', async () => {
    const token = await createUser('hal');
    const legacy = sealProviderKeyAsLegacy(encryptionKeys, 'or-hal-endpoint-key-0002', { userId: 'hal', providerName: 'compat' });
    await identity.store.putKey({ userId: 'hal', providerName: 'compat', ...legacy, hint: hint('or-hal-endpoint-key-0002'), fingerprint: 'fp-hal', baseUrl: endpointOf(USER_HOST) });
    mock.reset();

    // Once the directory has the row (the change log, polled), the legacy key is used as it is.
    await waitUntil(async () => (await chat(token)).status === 200 && mock.keysSeen().includes('or-hal-endpoint-key-0002'), 'the new key served');
    await waitUntil(async () => harness.logs.join('').includes('stored key sealed again with its endpoint bound'), 'the key sealed again');
    expect((await keyRow('hal')).iv.equals(legacy.iv)).toBe(false);
    await waitUntil(async () => (await chat(token)).status === 200, 'the re-sealed key served'); // the directory holds the re-sealed row

    await repointInSql('hal', endpointOf(ATTACKER_HOST));
    await waitUntil(async () => refusedAsUnusable(await chat(token)), 'the stored key refused as unusable');
    mock.reset();
    expect(refusedAsUnusable(await chat(token))).toBe(true);
    expect(mock.received).toEqual([]);
  });
});
