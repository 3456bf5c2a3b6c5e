import { relayedResponseHeaders } from './relayed-headers';

const upstream = {
  'content-type': 'application/json',
  'content-length': '42',
  connection: 'keep-alive',
  'transfer-encoding': 'chunked',
  'x-request-id': 'req_1',
  'retry-after': '3',
  'x-ratelimit-remaining-requests': '99',
  'set-cookie': ['__cf_bm=abc; path=/; HttpOnly', '_cfuvid=def; path=/'],
  'openai-organization': 'org-company',
  'openai-project': 'proj_company',
  'anthropic-organization-id': '0e4c1a2b-company',
};

describe('relayedResponseHeaders', () => {
  it('answers to a pool key: drops hop-by-hop framing, cookies and the pool account’s organisation and project', () => {
    expect(relayedResponseHeaders(upstream, { 'x-tollgate-interception-id': 'i-1' }, true)).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      'retry-after': '3',
      'x-ratelimit-remaining-requests': '99',
      'x-tollgate-interception-id': 'i-1',
    });
  });

  it('answers to the user’s own key: the account headers are the user’s and are relayed', () => {
    expect(relayedResponseHeaders(upstream, undefined, false)).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      'retry-after': '3',
      'x-ratelimit-remaining-requests': '99',
      'set-cookie': ['__cf_bm=abc; path=/; HttpOnly', '_cfuvid=def; path=/'],
      'openai-organization': 'org-company',
      'openai-project': 'proj_company',
      'anthropic-organization-id': '0e4c1a2b-company',
    });
  });

  it("replaces every upstream rate-limit header when the gateway describes the caller's own limits", () => {
    const upstreamLimits = { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-limit-tokens': '2000000', 'anthropic-ratelimit-input-tokens-limit': '400000', 'x-request-id': 'req_1' };
    expect(relayedResponseHeaders(upstreamLimits, { 'x-ratelimit-remaining-requests': '3' }, true)).toEqual({ 'x-request-id': 'req_1', 'x-ratelimit-remaining-requests': '3' });
    expect(relayedResponseHeaders(upstreamLimits, { 'x-tollgate-interception-id': 'i-1' }, true)).toEqual({ ...upstreamLimits, 'x-tollgate-interception-id': 'i-1' });
  });
});
