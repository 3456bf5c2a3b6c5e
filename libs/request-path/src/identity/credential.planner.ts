import { resolveCredential } from '@tollgate/byok';
import { hint } from '@tollgate/keypool';
import { byokUpstreamHeader, type CredentialHeader, type ExtractedCredentials } from '@tollgate/providers';
import type { CredentialPlan } from '../bridge/upstream-attempts';
import { GatewayError } from '../errors/gateway-error';
import type { LiveConfiguration } from '../configuration/live-configuration';
import type { ProviderRuntime } from '../keys/provider-runtime';
import type { EndpointGuard } from './user-endpoint.guard';
import type { StoredCredentials } from './stored-credentials';

/** Where a request's upstream credential can come from, besides the request itself and the key pool. */
export interface CredentialSources {
  /** The deployment's default BYOK mode follows configuration reloads. */
  readonly live: LiveConfiguration;
  /** Users' modes and stored keys; unset when the gateway has no identity database. */
  readonly storedCredentials?: StoredCredentials;
  /** The SSRF guard a stored user endpoint passes again on every request. */
  readonly endpointGuard: EndpointGuard;
}

export type PlannedCredential =
  | { ok: true; plan: CredentialPlan; /** A stored user endpoint replaces the provider's base URL. */ baseUrl?: string }
  | { ok: false; error: GatewayError };

const POOL: PlannedCredential = { ok: true, plan: { kind: 'centralized' } };

/**
 * Picks the upstream credential for one request — the request's key, else the user's stored key, else the pool —
 * as the user's BYOK mode allows, and never falls back from a user key to the pool.
 */
export async function planCredential(
  sources: CredentialSources,
  provider: ProviderRuntime,
  userId: string,
  credentials: ExtractedCredentials,
): Promise<PlannedCredential> {
  const providerName = provider.config.name;
  const identity = sources.storedCredentials;
  const requestKey = credentials.byokCredential;
  const resolution = resolveCredential({
    mode: identity ? identity.modeOf(userId) : sources.live.config.byok.mode,
    hasRequestKey: requestKey !== undefined,
    hasStoredKey: requestKey === undefined && (identity?.hasStoredKey(userId, providerName) ?? false),
    providerName,
  });
  if (!resolution.ok) return { ok: false, error: new GatewayError(resolution.code, resolution.message) };

  if (resolution.source === 'pool') return POOL;
  if (resolution.source === 'request') {
    const header = byokUpstreamHeader(provider.description, credentials.byokHeader);
    return { ok: true, plan: { kind: 'byok', source: 'request', credential: requestKey!, header, hint: hint(requestKey!) } };
  }

  const stored = identity!.storedCredential(userId, providerName);
  if (!stored) {
    const message = `your stored key for ${providerName} cannot be used; save it again with PUT /v1/me/keys/${providerName}`;
    return { ok: false, error: new GatewayError('internal', message) };
  }
  const header: CredentialHeader = provider.description.credentialHeader;
  const plan = { kind: 'byok', source: 'stored', credential: stored.key, header, hint: stored.hint } as const;
  if (!stored.baseUrl) return { ok: true, plan };
  if (!provider.config.userEndpoints) {
    const message =
      `provider ${providerName} does not accept user endpoints (anymore): your stored endpoint is not used. ` +
      `Remove it with DELETE /v1/me/keys/${providerName}, or save a plain key for this provider with PUT /v1/me/keys/${providerName}`;
    return { ok: false, error: new GatewayError('user_endpoint_disabled', message) };
  }
  // A user endpoint is checked again on every request: DNS may have moved it to a refused address since it was saved.
  const endpoint = await sources.endpointGuard(stored.baseUrl);
  if (!endpoint.ok) return { ok: false, error: new GatewayError('invalid_endpoint', `your endpoint is refused: ${endpoint.reason}`) };
  return { ok: true, plan: { ...plan, dispatcher: endpoint.dispatcher }, baseUrl: endpoint.url.href };
}
