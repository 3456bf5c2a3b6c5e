import { effectiveMode, resolveCredential, type CredentialSource } from './credential.resolution';
import type { ByokMode } from '../directory/identity.store';

describe('resolveCredential', () => {
  const cases: [ByokMode, boolean, boolean, CredentialSource | 'byok_disabled' | 'byok_required'][] = [
    ['disabled', true, true, 'byok_disabled'],
    ['disabled', true, false, 'byok_disabled'],
    ['disabled', false, true, 'pool'],
    ['disabled', false, false, 'pool'],
    ['prefer', true, true, 'request'],
    ['prefer', true, false, 'request'],
    ['prefer', false, true, 'stored'],
    ['prefer', false, false, 'pool'],
    ['require', true, true, 'request'],
    ['require', true, false, 'request'],
    ['require', false, true, 'stored'],
    ['require', false, false, 'byok_required'],
  ];

  it.each(cases)('mode %s, request key %s, stored key %s → %s', (mode, hasRequestKey, hasStoredKey, expected) => {
    const result = resolveCredential({ mode, hasRequestKey, hasStoredKey, providerName: 'openai' });
    expect(result.ok ? result.source : result.code).toBe(expected);
  });

  it('tells a user in require mode how to add a key for that provider', () => {
    const result = resolveCredential({ mode: 'require', hasRequestKey: false, hasStoredKey: false, providerName: 'claude' });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('PUT /v1/me/keys/claude') });
  });

  it('uses the user override over the deployment default', () => {
    expect(effectiveMode('require', 'prefer')).toBe('require');
    expect(effectiveMode(null, 'disabled')).toBe('disabled');
    expect(effectiveMode(undefined, 'prefer')).toBe('prefer');
  });
});
