import { inspectRequest } from './request.inspector';
import type { BridgedApi } from '../provider-type';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('inspectRequest: rejects what cannot go upstream', () => {
  it.each([
    ['not JSON', Buffer.from('{"model": "gpt-4o",'), 'request body is not valid JSON'],
    ['empty body', Buffer.alloc(0), 'request body is not valid JSON'],
    ['an array', json([{ model: 'gpt-4o' }]), 'request body must be a JSON object'],
    ['null', Buffer.from('null'), 'request body must be a JSON object'],
    ['a string', json('gpt-4o'), 'request body must be a JSON object'],
    ['no model', json({ messages: [] }), 'request body must have a "model" string'],
    ['numeric model', json({ model: 4 }), 'request body must have a "model" string'],
    ['empty model', json({ model: '' }), 'request body must have a "model" string'],
    ['a model name over 256 characters', json({ model: 'm'.repeat(257) }), '"model" must be at most 256 characters'],
  ])('%s', (_name, body, reason) => {
    expect(inspectRequest('openai-chat', body)).toEqual({ ok: false, reason });
  });

  it('accepts a model name of exactly 256 characters', () => {
    expect(inspectRequest('openai-chat', json({ model: 'm'.repeat(256) }))).toMatchObject({ ok: true, model: 'm'.repeat(256) });
  });

  it('does not echo the body back in the reason', () => {
    const result = inspectRequest('openai-chat', Buffer.from('{"model":"x","api_key":"sk-secret'));
    expect(JSON.stringify(result)).not.toContain('sk-secret');
  });
});

describe('inspectRequest: reads model, stream, tools and the last user prompt', () => {
  const cases: Array<[string, BridgedApi, unknown, { model: string; stream: boolean; tools: string[]; lastUserPrompt?: string }]> = [
    [
      'chat, string content, tools',
      'openai-chat',
      {
        model: 'gpt-4o-mini',
        stream: true,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'What is the weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        ],
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
          { type: 'custom', custom: { name: 'run_sql' } },
        ],
      },
      { model: 'gpt-4o-mini', stream: true, tools: ['get_weather', 'run_sql'], lastUserPrompt: 'What is the weather in Paris?' },
    ],
    [
      'chat, content parts',
      'openai-chat',
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'old question' },
          { role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: 'data:…' } }, { type: 'text', text: 'this image' }] },
        ],
      },
      { model: 'gpt-4o', stream: false, tools: [], lastUserPrompt: 'Describe\nthis image' },
    ],
    ['chat, no user message', 'openai-chat', { model: 'gpt-4o', messages: [{ role: 'system', content: 's' }] }, { model: 'gpt-4o', stream: false, tools: [] }],
    ['chat, stream must be literally true', 'openai-chat', { model: 'gpt-4o', stream: 'true', messages: 'nope' }, { model: 'gpt-4o', stream: false, tools: [] }],
    [
      'responses, string input, built-in and function tools',
      'openai-responses',
      { model: 'gpt-5', input: 'Summarise the news', tools: [{ type: 'web_search' }, { type: 'function', name: 'lookup', parameters: {} }] },
      { model: 'gpt-5', stream: false, tools: ['web_search', 'lookup'], lastUserPrompt: 'Summarise the news' },
    ],
    [
      'responses, item list with a function call output last',
      'openai-responses',
      {
        model: 'gpt-5',
        stream: true,
        input: [
          { role: 'developer', content: 'Be brief' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Find order 42' }, { type: 'input_image', image_url: 'x' }] },
          { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"id":42}' },
          { type: 'function_call_output', call_id: 'call_1', output: '{"status":"shipped"}' },
        ],
      },
      { model: 'gpt-5', stream: true, tools: [], lastUserPrompt: 'Find order 42' },
    ],
    ['responses, easy input message', 'openai-responses', { model: 'gpt-5', input: [{ role: 'user', content: 'hi' }] }, { model: 'gpt-5', stream: false, tools: [], lastUserPrompt: 'hi' }],
    [
      'anthropic, text blocks, tool_result ignored',
      'anthropic-messages',
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        stream: true,
        tools: [{ name: 'get_weather', input_schema: { type: 'object' } }, { type: 'web_search_20250305', name: 'web_search' }],
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'NOT THE PROMPT' }] }, { type: 'text', text: 'and also Rome?' }] },
        ],
      },
      { model: 'claude-sonnet-4-5', stream: true, tools: ['get_weather', 'web_search'], lastUserPrompt: 'and also Rome?' },
    ],
    [
      'anthropic, a tool_result-only continuation reports the human prompt before it',
      'anthropic-messages',
      {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
        ],
      },
      { model: 'claude-sonnet-4-5', stream: false, tools: [], lastUserPrompt: 'Weather in Paris?' },
    ],
  ];

  it.each(cases)('%s', (_name, api, body, expected) => {
    const result = inspectRequest(api, json(body));
    expect(result).toEqual({ ok: true, ...expected, body });
  });
});

describe('inspectRequest: embeddings', () => {
  it('never streams, has no tools, and records the input text as the prompt', () => {
    expect(inspectRequest('openai-embeddings', json({ model: 'text-embedding-3-small', input: 'hello', stream: true }))).toMatchObject({
      ok: true,
      model: 'text-embedding-3-small',
      stream: false,
      tools: [],
      lastUserPrompt: 'hello',
    });
  });

  it.each([
    ['an array of strings, joined by newlines', ['first', 'second'], 'first\nsecond'],
    ['strings among token arrays', [[1, 2], 'text'], 'text'],
    ['one token array', [1, 2, 3], undefined],
    ['token arrays only', [[1], [2]], undefined],
    ['no input', undefined, undefined],
  ])('input of %s → prompt %j', (_label, input, prompt) => {
    const inspection = inspectRequest('openai-embeddings', json({ model: 'm', input }));
    expect(inspection.ok && inspection.lastUserPrompt).toBe(prompt ?? undefined);
  });
});

describe('inspectRequest: Gemini embeddings', () => {
  const fromPath = { model: 'gemini-embedding-001', stream: false };

  it('records the text parts of an embedContent body as the prompt', () => {
    const body = { content: { parts: [{ text: 'first' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }, { text: 'second' }] } };
    expect(inspectRequest('gemini-embeddings', json(body), fromPath)).toMatchObject({ ok: true, model: 'gemini-embedding-001', lastUserPrompt: 'first\nsecond' });
  });

  it('joins the text of every request of a batchEmbedContents body', () => {
    const body = { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'one' }] } }, { content: { parts: [{ text: 'two' }] } }] };
    expect(inspectRequest('gemini-embeddings', json(body), fromPath)).toMatchObject({ ok: true, lastUserPrompt: 'one\ntwo' });
  });

  it('records no prompt when no part has text', () => {
    const inspection = inspectRequest('gemini-embeddings', json({ content: { parts: [{ inlineData: { data: 'AA==' } }] } }), fromPath);
    expect(inspection.ok && inspection.lastUserPrompt).toBeUndefined();
  });
});
