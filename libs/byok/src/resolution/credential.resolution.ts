import type { ByokMode } from '../directory/identity.store';

export type CredentialSource = 'request' | 'stored' | 'pool';

export type CredentialResolution =
  | { ok: true; source: CredentialSource }
  | { ok: false; code: 'byok_disabled' | 'byok_required'; message: string };

export interface CredentialCandidates {
  /** The user's effective mode: their own override, else the deployment default. */
  mode: ByokMode;
  /** A provider credential left on the request after the gateway token was removed. */
  hasRequestKey: boolean;
  /** The user has a saved key for this provider instance. */
  hasStoredKey: boolean;
  providerName: string;
}

/**
 * Where the upstream credential comes from — request, then stored, then pool — as the mode allows. Never falls
 * back from a user's key to the pool: once a user key is chosen, its failures go to the client.
 */
export function resolveCredential(candidates: CredentialCandidates): CredentialResolution {
  const { mode, hasRequestKey, hasStoredKey, providerName } = candidates;
  if (mode === 'disabled') {
    if (hasRequestKey) {
      return { ok: false, code: 'byok_disabled', message: 'bring-your-own-key is disabled on this gateway: remove the provider key and use only your gateway token' };
    }
    return { ok: true, source: 'pool' };
  }
  if (hasRequestKey) return { ok: true, source: 'request' };
  if (hasStoredKey) return { ok: true, source: 'stored' };
  if (mode === 'require') {
    return {
      ok: false,
      code: 'byok_required',
      message: `this gateway requires your own provider key: send it with the request, or save it once with PUT /v1/me/keys/${providerName} ({"key":"…"})`,
    };
  }
  return { ok: true, source: 'pool' };
}

export function effectiveMode(userMode: ByokMode | null | undefined, deploymentDefault: ByokMode): ByokMode {
  return userMode ?? deploymentDefault;
}
