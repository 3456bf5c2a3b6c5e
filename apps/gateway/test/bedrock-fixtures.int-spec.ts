import { BEDROCK_FIXTURES, startMockBedrock, type MockBedrock } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const CREDENTIAL = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** Bedrock answers in the shapes of AWS's documentation, replayed through the gateway: the exact bytes an Anthropic client gets. */
describe('Bedrock fixtures through the gateway', () => {
  let bedrock: MockBedrock;
  let harness: Harness;

  beforeAll(async () => {
    bedrock = await startMockBedrock({ region: 'us-west-2', credentials: [CREDENTIAL] });
    harness = await startHarness({
      env: { AWS_ID: CREDENTIAL.accessKeyId, AWS_SECRET: CREDENTIAL.secretAccessKey },
      // No keep-alive ping may land between the replayed events.
      server: { anthropicPingInterval: '1h' },
      providers: [{ name: 'claude', type: 'anthropic', upstream: 'bedrock', region: 'us-west-2', baseUrl: bedrock.url, keys: [{ accessKeyId: '${AWS_ID}', secretAccessKey: '${AWS_SECRET}' }] }],
    });
  });
  afterAll(async () => {
    await harness.close();
    await bedrock.close();
  });
  beforeEach(() => bedrock.reset());

  it.each(BEDROCK_FIXTURES)('$name', async (fixture) => {
    bedrock.script('*', { replay: fixture.replay });
    const response = await fetch(`${harness.url}/claude/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(fixture.request),
    });
    expect({ status: response.status, contentType: response.headers.get('content-type'), body: await response.text() }).toEqual(fixture.expected);
    const [call] = bedrock.received;
    const { model: _model, stream, ...rest } = fixture.request;
    expect(call.operation).toBe(stream ? 'invoke-with-response-stream' : 'invoke');
    expect(call.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(call.body).toEqual({ anthropic_version: 'bedrock-2023-05-31', ...rest });
  });
});
