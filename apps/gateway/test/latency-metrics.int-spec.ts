// The request-path metrics an operator's dashboard reads: duration, time to first byte, upstream attempts and tokens.
import { MOCK_ANTHROPIC_USAGE, MOCK_CHAT_USAGE } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

describe('latency and token metrics on /metrics', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  /** The value of one sample, e.g. `tollgate_tokens_total{provider="openai",model="gpt-a",kind="output"}`. */
  async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
    const text = await (await fetch(`${harness.url}/metrics`)).text();
    const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const labelText = line.slice(name.length + 1, line.indexOf('}'));
      const present = labelText.split(',');
      if (wanted.every((pair) => present.includes(pair)) && present.length === wanted.length) return Number(line.slice(line.indexOf('}') + 2));
    }
    return undefined;
  }

  const chat = (model: string, stream: boolean) =>
    fetch(`${harness.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((response) => response.text());

  it('observes each bridged request in the duration and first-byte histograms, by provider, route and model', async () => {
    await chat('gpt-latency', false);
    harness.mock.script('*', { chunks: 6, chunkDelayMs: 40 });
    await chat('gpt-latency', true);
    const labels = { provider: 'openai', route: 'openai-chat', model: 'gpt-latency' };
    expect(await sample('tollgate_request_duration_seconds_count', labels)).toBe(2);
    expect(await sample('tollgate_time_to_first_byte_seconds_count', labels)).toBe(2);
    // The stream's head went out before its six chunks, 40 ms apart: its first byte came well before its end.
    const durationSum = (await sample('tollgate_request_duration_seconds_sum', labels))!;
    const firstByteSum = (await sample('tollgate_time_to_first_byte_seconds_sum', labels))!;
    expect(durationSum - firstByteSum).toBeGreaterThan(0.15);
    expect(await sample('tollgate_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(2);
  });

  it('observes every upstream attempt with its status, and counts tokens by kind', async () => {
    harness.mock.script('k0-long-key', { status: 429, headers: { 'retry-after': '1' } });
    await chat('gpt-tokens', false);
    expect(await sample('tollgate_upstream_attempt_duration_seconds_count', { provider: 'openai', route: 'openai-chat', status: '429' })).toBe(1);
    expect(await sample('tollgate_upstream_attempt_duration_seconds_count', { provider: 'openai', route: 'openai-chat', status: '200' })).toBeGreaterThanOrEqual(1);
    const tokens = (kind: string) => sample('tollgate_tokens_total', { provider: 'openai', model: 'gpt-tokens', kind });
    expect(await tokens('input')).toBe(MOCK_CHAT_USAGE.prompt_tokens - MOCK_CHAT_USAGE.prompt_tokens_details.cached_tokens);
    expect(await tokens('output')).toBe(MOCK_CHAT_USAGE.completion_tokens);
    expect(await tokens('cache_read')).toBe(MOCK_CHAT_USAGE.prompt_tokens_details.cached_tokens);

    await fetch(`${harness.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN },
      body: JSON.stringify({ model: 'claude-tokens', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((response) => response.text());
    expect(await sample('tollgate_tokens_total', { provider: 'anthropic', model: 'claude-tokens', kind: 'cache_write' })).toBe(MOCK_ANTHROPIC_USAGE.cache_creation_input_tokens);
  });

  it('counts passthrough requests under the route passthrough, without a model', async () => {
    await fetch(`${harness.openaiBaseUrl}/models`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } }).then((response) => response.text());
    expect(await sample('tollgate_request_duration_seconds_count', { provider: 'openai', route: 'passthrough', model: '-' })).toBe(1);
    expect(await sample('tollgate_upstream_attempt_duration_seconds_count', { provider: 'openai', route: 'passthrough', status: '200' })).toBe(1);
  });
});
