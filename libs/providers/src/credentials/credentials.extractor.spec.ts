import { extractCredentials, withoutQueryParameter, type ExtractedCredentials } from './credentials.extractor';
import type { RequestHeaders } from './request-headers';
import type { ProviderType } from '../provider-type';

describe('extractCredentials', () => {
  const cases: Array<[string, ProviderType, RequestHeaders, ExtractedCredentials]> = [
    ['no credentials at all', 'openai', { 'content-type': 'application/json' }, {}],
    ['openai: token as the API key (centralized)', 'openai', { authorization: 'Bearer tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'authorization' }],
    ['anthropic: token as the API key (centralized)', 'anthropic', { 'x-api-key': 'tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-api-key' }],
    ['anthropic: token as a bearer (centralized)', 'anthropic', { authorization: 'Bearer tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'authorization' }],
    ['openai: token in x-api-key', 'openai', { 'x-api-key': 'tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-api-key' }],
    ['bearer scheme is case-insensitive', 'openai', { authorization: 'bearer   tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'authorization' }],
    ['openai: BYOK with the token in X-Tollgate-Token', 'openai',
      { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-proj-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'sk-proj-user', byokHeader: 'authorization' }],
    ['anthropic: BYOK x-api-key', 'anthropic', { 'x-tollgate-token': 'tg_alice', 'x-api-key': 'sk-ant-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'sk-ant-user', byokHeader: 'x-api-key' }],
    ['anthropic: BYOK bearer (OAuth token)', 'anthropic', { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-ant-oat01-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'sk-ant-oat01-user', byokHeader: 'authorization' }],
    ['anthropic: x-api-key wins over bearer', 'anthropic',
      { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-ant-oat01-user', 'x-api-key': 'sk-ant-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'sk-ant-user', byokHeader: 'x-api-key' }],
    ['anthropic: token in bearer, key in x-api-key', 'anthropic', { authorization: 'Bearer tg_alice', 'x-api-key': 'sk-ant-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'authorization', byokCredential: 'sk-ant-user', byokHeader: 'x-api-key' }],
    ['anthropic: token in x-api-key, key as bearer', 'anthropic', { 'x-api-key': 'tg_alice', authorization: 'Bearer sk-ant-oat01-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-api-key', byokCredential: 'sk-ant-oat01-user', byokHeader: 'authorization' }],
    ['openai: token in x-api-key, key as bearer', 'openai', { 'x-api-key': 'tg_alice', authorization: 'Bearer sk-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-api-key', byokCredential: 'sk-user', byokHeader: 'authorization' }],
    ['openai: x-api-key is not an OpenAI credential', 'openai', { 'x-tollgate-token': 'tg_alice', 'x-api-key': 'sk-user' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token' }],
    ['X-Tollgate-Token is looked at first', 'openai', { 'x-tollgate-token': 'tg_first', authorization: 'Bearer tg_second' },
      { gatewayToken: 'tg_first', gatewayTokenHeader: 'x-tollgate-token' }],
    ['authorization before x-api-key', 'anthropic', { authorization: 'Bearer tg_first', 'x-api-key': 'tg_second' },
      { gatewayToken: 'tg_first', gatewayTokenHeader: 'authorization' }],
    ['a non-tg_ X-Tollgate-Token is still the (invalid) token', 'openai', { 'x-tollgate-token': 'not-a-token' },
      { gatewayToken: 'not-a-token', gatewayTokenHeader: 'x-tollgate-token' }],
    ['empty X-Tollgate-Token is ignored', 'openai', { 'x-tollgate-token': '  ', authorization: 'Bearer tg_alice' },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'authorization' }],
    ['openai: provider key only (no token)', 'openai', { authorization: 'Bearer sk-user' },
      { byokCredential: 'sk-user', byokHeader: 'authorization' }],
    ['non-bearer authorization is neither', 'openai', { authorization: 'Basic dXNlcjpwYXNz' }, {}],
    ['bearer without a credential is neither', 'openai', { authorization: 'Bearer ' }, {}],
    ['duplicate header values: the first counts', 'anthropic', { 'x-api-key': ['tg_alice', 'sk-ant-user'] },
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-api-key' }],
  ];

  it.each(cases)('%s', (_name, type, headers, expected) => {
    expect(extractCredentials(type, headers)).toEqual(expected);
  });

  const geminiCases: Array<[string, RequestHeaders, string, ExtractedCredentials]> = [
    ['token in x-goog-api-key (what the SDK and Gemini CLI send)', { 'x-goog-api-key': 'tg_alice' }, '',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-goog-api-key' }],
    ['token in the key query parameter', {}, 'alt=sse&key=tg_alice',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'query' }],
    ['an encoded token in the key query parameter', {}, 'key=tg%5Falice',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'query' }],
    ['BYOK in x-goog-api-key, token in X-Tollgate-Token', { 'x-tollgate-token': 'tg_alice', 'x-goog-api-key': 'AIzaUser' }, '',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'AIzaUser', byokHeader: 'x-goog-api-key' }],
    ['BYOK in the key query parameter: goes upstream in x-goog-api-key', { 'x-tollgate-token': 'tg_alice' }, 'key=AIzaUser',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'AIzaUser', byokHeader: 'x-goog-api-key' }],
    ['token in the header, BYOK in the query', { 'x-goog-api-key': 'tg_alice' }, 'key=AIzaUser',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-goog-api-key', byokCredential: 'AIzaUser', byokHeader: 'x-goog-api-key' }],
    ['the header key wins over the query key', { 'x-tollgate-token': 'tg_alice', 'x-goog-api-key': 'AIzaHeader' }, 'key=AIzaQuery',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token', byokCredential: 'AIzaHeader', byokHeader: 'x-goog-api-key' }],
    ['a bearer is not a Gemini key', { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer ya29.oauth' }, '',
      { gatewayToken: 'tg_alice', gatewayTokenHeader: 'x-tollgate-token' }],
    ['an empty key parameter is nothing', {}, 'key=&alt=sse', {}],
    ['a parameter merely ending in key is not it', {}, 'apikey=tg_alice', {}],
  ];

  it.each(geminiCases)('gemini: %s', (_name, headers, query, expected) => {
    expect(extractCredentials('gemini', headers, query)).toEqual(expected);
  });

  it('the query is read only for a provider with a credential query parameter', () => {
    expect(extractCredentials('openai', {}, 'key=tg_alice')).toEqual({});
  });
});

describe('withoutQueryParameter', () => {
  it.each([
    ['key=tg_a', ''],
    ['alt=sse&key=tg_a', 'alt=sse'],
    ['key=tg_a&alt=sse&key=x', 'alt=sse'],
    ['key&alt=sse', 'alt=sse'],
    ['apikey=1&keys=2&alt=sse', 'apikey=1&keys=2&alt=sse'],
    ['alt=sse&&x=%20', 'alt=sse&x=%20'],
  ])('%s → %s', (query, expected) => {
    expect(withoutQueryParameter(query, 'key')).toBe(expected);
  });
});
