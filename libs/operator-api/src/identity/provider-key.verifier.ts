import { applyCredential, parseUpstreamBase, upstreamPathAndQuery } from '@tollgate/providers';
import type { Dispatcher } from 'undici';
import type { ProviderRuntime } from '@tollgate/request-path';
import type { UpstreamClient } from '@tollgate/request-path';

export type KeyVerdict = { ok: true } | { ok: false; reason: string };

/** One cheap upstream call (the model list) with a key a user wants to save; `baseUrl` for a user endpoint. */
export type KeyVerifier = (provider: ProviderRuntime, key: string, endpoint: { baseUrl: string; dispatcher: Dispatcher } | null) => Promise<KeyVerdict>;

export function createKeyVerifier(client: UpstreamClient, timeoutMs: number): KeyVerifier {
  return async (provider, key, endpoint) => {
    const { keyCheck } = provider.description;
    const base = endpoint ? parseUpstreamBase(endpoint.baseUrl) : provider.upstreamBase;
    const target = { origin: base.origin, path: upstreamPathAndQuery(base, keyCheck.path) };
    const headers = applyCredential(provider.description, keyCheck.headers, key);
    try {
      const response = await client.send({ target, method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs), dispatcher: endpoint?.dispatcher });
      await response.body.dump().catch(() => undefined);
      if (response.statusCode < 300) return { ok: true };
      return { ok: false, reason: `the model list answered ${response.statusCode}` };
    } catch (error) {
      return { ok: false, reason: `the provider could not be reached (${(error as Error).name})` };
    }
  };
}
