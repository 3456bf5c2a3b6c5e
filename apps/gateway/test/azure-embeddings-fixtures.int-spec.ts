import { AZURE_OPENAI_FIXTURES, OPENAI_EMBEDDINGS_FIXTURES, startMockUpstream, type MockUpstream, type ProviderFixture } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

// A user's own key: one attempt, so the upstream's 401 and 429 are the answer (a pool key would fail over).
const OWN_KEY = '99999999999999999999999999999999';

interface Case {
  label: string;
  provider: string;
  fixture: ProviderFixture;
}

const CASES: Case[] = [
  ...AZURE_OPENAI_FIXTURES.map((fixture) => ({ label: `Azure deployment form: ${fixture.name}`, provider: 'azure', fixture })),
  ...AZURE_OPENAI_FIXTURES.map((fixture) => ({ label: `Azure v1 endpoint: ${fixture.name}`, provider: 'azure-v1', fixture })),
  ...OPENAI_EMBEDDINGS_FIXTURES.map((fixture) => ({ label: `OpenAI: ${fixture.name}`, provider: 'openai', fixture })),
  ...OPENAI_EMBEDDINGS_FIXTURES.map((fixture) => ({ label: `Azure deployment form: ${fixture.name}`, provider: 'azure', fixture })),
];

/**
 * Answers in the shapes of the public Azure OpenAI and OpenAI embeddings references, replayed through the gateway:
 * the client gets the provider's bytes unchanged, and the record has what they say.
 */
describe('documented provider answers through the gateway', () => {
  let mock: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    mock = await startMockUpstream();
    harness = await startHarness({
      mock,
      providers: [
        { name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: [] },
        { name: 'azure', type: 'openai', baseUrl: mock.azureEndpoint, auth: 'api-key', keys: [], azure: { apiVersion: '2024-10-21' } },
        { name: 'azure-v1', type: 'openai', baseUrl: mock.azureV1BaseUrl, auth: 'api-key', keys: [] },
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it.each(CASES)('$label', async ({ provider, fixture }) => {
    const key = provider === 'openai' ? `sk-${OWN_KEY}` : OWN_KEY;
    mock.script(key, { status: fixture.status, headers: fixture.headers, body: fixture.body });
    const response = await fetch(`${harness.url}/${provider}/v1${fixture.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tollgate-token': ALICE_TOKEN, authorization: `Bearer ${key}` },
      body: JSON.stringify(fixture.request),
    });
    const bytes = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(fixture.status);
    expect(bytes.toString('utf8')).toBe(fixture.body);
    if (fixture.headers['retry-after-ms']) expect(response.headers.get('retry-after-ms')).toBe(fixture.headers['retry-after-ms']);
    expect(mock.received).toHaveLength(1);
    expect(mock.received[0].credential).toBe(key);

    const ended = await harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
    const { errorType, ...tokens } = fixture.recorded;
    if (errorType) {
      expect(ended.error?.type).toBe(errorType);
      expect(ended.tokenUsages).toEqual([]);
    } else {
      expect(ended.error).toBeUndefined();
      expect(ended.tokenUsages).toEqual([expect.objectContaining(tokens)]);
    }
  });
});
