import { DEFAULT_BASE_URLS, defaultBaseUrl, upstreamUrl } from './upstream-url';

describe('upstreamUrl', () => {
  it.each([
    ['https://api.openai.com/v1/', '/chat/completions', '', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com/v1', '/chat/completions', '', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.anthropic.com/', '/v1/messages', '', 'https://api.anthropic.com/v1/messages'],
    ['https://api.anthropic.com', '/v1/messages', '', 'https://api.anthropic.com/v1/messages'],
    ['https://proxy.internal/team-a/openai/v1/', '/models/gpt-4o', '', 'https://proxy.internal/team-a/openai/v1/models/gpt-4o'],
    ['http://127.0.0.1:8080//', '/v1/models', '', 'http://127.0.0.1:8080/v1/models'],
    ['https://api.openai.com/v1/', '/responses/resp_1/input_items', '?limit=5&order=asc', 'https://api.openai.com/v1/responses/resp_1/input_items?limit=5&order=asc'],
    ['https://api.openai.com/v1/', '/models', 'limit=5', 'https://api.openai.com/v1/models?limit=5'],
    ['https://api.openai.com/v1/', '/models', '?', 'https://api.openai.com/v1/models'],
    ['https://gw.example/openai/v1?api-version=2025-01-01', '/chat/completions', '', 'https://gw.example/openai/v1/chat/completions?api-version=2025-01-01'],
    ['https://gw.example/openai/v1/?api-version=2025-01-01', '/models', '?limit=2', 'https://gw.example/openai/v1/models?api-version=2025-01-01&limit=2'],
    ['https://gw.example/v1/#frag', '/models', '', 'https://gw.example/v1/models'],
    ['https://api.openai.com/v1/', 'models', '', 'https://api.openai.com/v1/models'],
  ])('%s + %s + %j → %s', (base, path, search, expected) => {
    const joined = upstreamUrl(base, path, search);
    expect(joined).toBe(expected);
    expect(new URL(joined).href).toBe(expected);
  });

  it('exports the default base URLs of the spec', () => {
    expect(DEFAULT_BASE_URLS).toEqual({
      openai: 'https://api.openai.com/v1/',
      anthropic: 'https://api.anthropic.com/',
      gemini: 'https://generativelanguage.googleapis.com/',
    });
    expect(defaultBaseUrl('openai')).toBe('https://api.openai.com/v1/');
    expect(defaultBaseUrl('anthropic')).toBe('https://api.anthropic.com/');
    expect(defaultBaseUrl('gemini')).toBe('https://generativelanguage.googleapis.com/');
  });
});
