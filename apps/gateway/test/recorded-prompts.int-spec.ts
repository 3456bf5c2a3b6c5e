import { ALICE_TOKEN, KEYS, startHarness, type Harness } from './support/gateway-harness';

/** `recording.prompts`: what a bridged request's `ended` event carries of the prompt and the tool-call arguments. */
describe('recording.prompts', () => {
  const longPrompt = `secret plan: ${'p'.repeat(40_000)}`;
  const longArgument = 'a'.repeat(1_000);

  async function chat(harness: Harness, stream: boolean) {
    harness.mock.script(KEYS[0], { toolCall: { name: 'lookup', arguments: { query: longArgument } } });
    const response = await fetch(`${harness.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream, messages: [{ role: 'user', content: longPrompt }] }),
    });
    await response.text();
    expect(response.status).toBe(200);
    return harness.sink.waitForEnded(response.headers.get('x-tollgate-interception-id')!);
  }

  async function withMode(prompts: string | undefined, check: (harness: Harness) => Promise<void>) {
    const harness = await startHarness({ recording: prompts === undefined ? {} : { prompts } });
    try {
      await check(harness);
    } finally {
      await harness.close();
    }
  }

  it.each([false, true])('full (the default) records the prompt capped at 32,768 characters and the whole arguments (stream: %s)', async (stream) => {
    await withMode(undefined, async (harness) => {
      const ended = await chat(harness, stream);
      expect(ended.prompt?.text).toBe(longPrompt.slice(0, 32_768));
      expect(ended.toolUsages).toHaveLength(1);
      expect(ended.toolUsages[0].input).toContain(longArgument);
    });
  });

  it.each([false, true])('truncated records the first 256 characters of each (stream: %s)', async (stream) => {
    await withMode('truncated', async (harness) => {
      const ended = await chat(harness, stream);
      expect(ended.prompt?.text).toBe(longPrompt.slice(0, 256));
      expect(ended.toolUsages[0].input).toHaveLength(256);
      expect(ended.toolUsages[0].tool).toBe('lookup');
    });
  });

  it.each([false, true])('off queues no prompt and no arguments, only the tool names (stream: %s)', async (stream) => {
    await withMode('off', async (harness) => {
      const ended = await chat(harness, stream);
      expect(ended.prompt).toBeUndefined();
      expect(ended.toolUsages).toEqual([expect.objectContaining({ tool: 'lookup', input: '' })]);
      expect(JSON.stringify(harness.sink.batches)).not.toContain('secret plan');
      expect(JSON.stringify(harness.sink.batches)).not.toContain('aaaaaaaa');
    });
  });
});
