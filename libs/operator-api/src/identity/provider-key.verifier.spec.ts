import { PROVIDER_DESCRIPTIONS, parseUpstreamBase, type ProviderDescription } from '@tollgate/providers';
import { UpstreamClient, type ProviderRuntime } from '@tollgate/request-path';
import { startMockUpstream, type MockUpstream } from '@tollgate/testing';
import { createKeyVerifier } from './provider-key.verifier';

describe('createKeyVerifier', () => {
  let mock: MockUpstream;
  const client = new UpstreamClient({ connectTimeoutMs: 1_000, firstByteTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
  beforeAll(async () => (mock = await startMockUpstream()));
  afterAll(() => Promise.all([client.close(), mock.close()]));

  const providerDescribedAs = (description: ProviderDescription) =>
    ({ description, upstreamBase: parseUpstreamBase(mock.anthropicBaseUrl) }) as ProviderRuntime;

  it("calls the description's key check with the key in the description's header", async () => {
    const acme = { ...PROVIDER_DESCRIPTIONS.anthropic, credentialHeader: 'authorization', keyCheck: { path: '/v1/models', headers: { 'acme-version': '7' } } } as const;
    const verdict = await createKeyVerifier(client, 5_000)(providerDescribedAs(acme), 'acme-user-key', null);
    expect(verdict).toEqual({ ok: true });
    const received = mock.received[mock.received.length - 1];
    expect(received.method).toBe('GET');
    expect(received.path).toBe('/anthropic/v1/models');
    expect(received.headers).toMatchObject({ authorization: 'Bearer acme-user-key', 'acme-version': '7' });
  });

  it('says which status a refused key got', async () => {
    mock.script('sk-ant-refused', { status: 401 });
    const verdict = await createKeyVerifier(client, 5_000)(providerDescribedAs(PROVIDER_DESCRIPTIONS.anthropic), 'sk-ant-refused', null);
    expect(verdict).toEqual({ ok: false, reason: 'the model list answered 401' });
    expect(mock.received[mock.received.length - 1].headers).toMatchObject({ 'x-api-key': 'sk-ant-refused', 'anthropic-version': '2023-06-01' });
  });
});
