import { extractCredentials } from './credentials.extractor';
import { headersToForward } from './forward-headers';
import { applyCredential } from './upstream-credential';

describe('applyCredential', () => {
  const base = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

  it.each([
    ['openai', undefined, { authorization: 'Bearer sk-pool-1' }],
    ['anthropic', undefined, { 'x-api-key': 'sk-pool-1' }],
    ['anthropic', 'authorization', { authorization: 'Bearer sk-pool-1' }],
    ['openai', 'x-api-key', { 'x-api-key': 'sk-pool-1' }],
  ] as const)('%s via %s', (type, header, auth) => {
    expect(applyCredential(type, base, 'sk-pool-1', header)).toEqual({ ...base, ...auth });
  });

  it('keeps a key where the client sent it (BYOK forwarded as is)', () => {
    expect(applyCredential('anthropic', { ...base, authorization: 'Bearer sk-ant-oat01-user' }, 'sk-ant-oat01-user')).toEqual({
      ...base,
      authorization: 'Bearer sk-ant-oat01-user',
    });
    expect(applyCredential('openai', { 'x-api-key': 'sk-user' }, 'sk-user')).toEqual({ 'x-api-key': 'sk-user' });
    // A different key in the client's header is not a reason to use that header.
    expect(applyCredential('anthropic', { authorization: 'Bearer sk-other' }, 'sk-pool')).toEqual({ 'x-api-key': 'sk-pool' });
  });

  it('BYOK end to end: headersToForward then applyCredential sends the client key once, where it was', () => {
    const forwarded = headersToForward('anthropic', { 'x-tollgate-token': 'tg_alice', authorization: 'Bearer sk-ant-oat01-user', 'anthropic-version': '2023-06-01' });
    const { byokCredential } = extractCredentials('anthropic', { authorization: 'Bearer sk-ant-oat01-user' });
    expect(applyCredential('anthropic', forwarded, byokCredential!)).toEqual({ 'anthropic-version': '2023-06-01', authorization: 'Bearer sk-ant-oat01-user' });
  });

  it('replaces any credential already present and leaves the input untouched', () => {
    const input = { ...base, authorization: 'Bearer sk-old', 'x-api-key': 'sk-old' };
    expect(applyCredential('anthropic', input, 'sk-new')).toEqual({ ...base, 'x-api-key': 'sk-new' });
    expect(input.authorization).toBe('Bearer sk-old');
  });
});
