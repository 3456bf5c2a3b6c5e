import { extractCredentials } from './credentials.extractor';
import { headersToForward } from './forward-headers';

const common = {
  host: 'gateway.local:8080',
  connection: 'keep-alive, x-hop',
  'keep-alive': 'timeout=5',
  'x-hop': 'only for this hop',
  'content-length': '123',
  'transfer-encoding': 'chunked',
  'proxy-authorization': 'Basic abc',
  te: 'trailers',
  upgrade: 'h2c',
  expect: '100-continue',
  'accept-encoding': 'gzip, br',
  'content-type': 'application/json',
  'user-agent': 'OpenAI/JS 7.1.0',
  'openai-beta': 'assistants=v2',
  'anthropic-version': '2023-06-01',
  'x-stainless-retry-count': '0',
};

describe('headersToForward', () => {
  it('centralized openai: drops hop-by-hop, host, length, token and every client auth header', () => {
    const forwarded = headersToForward('openai', { ...common, authorization: 'Bearer tg_alice', 'x-api-key': 'whatever' });
    expect(forwarded).toEqual({
      'accept-encoding': 'gzip, br',
      'content-type': 'application/json',
      'user-agent': 'OpenAI/JS 7.1.0',
      'openai-beta': 'assistants=v2',
      'anthropic-version': '2023-06-01',
      'x-stainless-retry-count': '0',
    });
  });

  it('bridged routes also drop accept-encoding so the answer can be read', () => {
    const forwarded = headersToForward('anthropic', { ...common, 'x-api-key': 'tg_alice' }, true);
    expect(forwarded).not.toHaveProperty('accept-encoding');
    expect(forwarded).not.toHaveProperty('x-api-key');
    expect(forwarded['anthropic-version']).toBe('2023-06-01');
  });

  it('BYOK openai: the client key goes as is, the token header is removed', () => {
    const forwarded = headersToForward('openai', { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-user', 'x-api-key': 'other' });
    expect(forwarded).toEqual({ authorization: 'Bearer sk-user' });
  });

  it('BYOK anthropic: only the winning credential header is kept', () => {
    const forwarded = headersToForward('anthropic', {
      'x-tollgate-token': 'tg_alice',
      'x-api-key': 'sk-ant-user',
      authorization: 'Bearer sk-ant-oat01-other',
    });
    expect(forwarded).toEqual({ 'x-api-key': 'sk-ant-user' });
  });

  it('gemini: x-goog-api-key is a credential header, dropped for the pool and kept for the client key', () => {
    const googleClient = { 'content-type': 'application/json', 'x-goog-api-client': 'google-genai-sdk/1.0.0' };
    expect(headersToForward('gemini', { ...googleClient, 'x-goog-api-key': 'tg_alice' })).toEqual(googleClient);
    expect(headersToForward('gemini', { ...googleClient, 'x-tollgate-token': 'tg_alice', 'x-goog-api-key': 'AIzaUser' })).toEqual({ ...googleClient, 'x-goog-api-key': 'AIzaUser' });
    // The token in the header, the client's key in ?key=: the header carrying the token is not kept.
    const tokenInHeader = { ...googleClient, 'x-goog-api-key': 'tg_alice' };
    expect(headersToForward('gemini', tokenInHeader, true, extractCredentials('gemini', tokenInHeader, 'key=AIzaUser'))).toEqual(googleClient);
    // Another type never forwards one either.
    expect(headersToForward('openai', { ...googleClient, authorization: 'Bearer tg_alice', 'x-goog-api-key': 'AIzaStray' })).toEqual(googleClient);
  });

  it('BYOK anthropic with the token in authorization keeps x-api-key only', () => {
    const forwarded = headersToForward('anthropic', { authorization: 'Bearer tg_alice', 'x-api-key': 'sk-ant-user' });
    expect(forwarded).toEqual({ 'x-api-key': 'sk-ant-user' });
  });

  describe('account-selecting headers (OpenAI-Organization, OpenAI-Project)', () => {
    const account = { 'openai-organization': 'org-client-chosen', 'openai-project': 'proj_client_chosen', 'content-type': 'application/json' };

    it.each([false, true])('are dropped when a pool key is used (bridged: %s)', (bridged) => {
      const forwarded = headersToForward('openai', { ...account, authorization: 'Bearer tg_alice' }, bridged, undefined, true);
      expect(forwarded).toEqual({ 'content-type': 'application/json' });
    });

    it('are kept with the user’s own key', () => {
      const forwarded = headersToForward('openai', { ...account, 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-user' }, true, undefined, false);
      expect(forwarded).toEqual({ ...account, authorization: 'Bearer sk-user' });
    });
  });

  it('joins repeated values and skips HTTP/2 pseudo-headers', () => {
    const forwarded = headersToForward('openai', { 'x-custom': ['a', 'b'], ':authority': 'gw', ':path': '/x' });
    expect(forwarded).toEqual({ 'x-custom': 'a, b' });
  });
});
