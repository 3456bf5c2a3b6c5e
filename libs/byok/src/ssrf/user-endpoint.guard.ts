import { resolveSafeAddress, systemResolver, type ResolvedAddress, type Resolver } from './endpoint.resolver';
import { checkEndpointUrl, type EndpointPolicy } from './user-endpoint.policy';

export type GuardedEndpoint = { ok: true; url: URL; address: ResolvedAddress } | { ok: false; reason: string };

/**
 * The SSRF guard for a user-supplied endpoint: the static URL rules, then the address check. On success, connect
 * through `createPinnedDispatcher(url, address, …)` (or `PinnedDispatcherCache`) so nothing resolves the name again.
 */
export async function guardUserEndpoint(
  raw: string,
  policy: EndpointPolicy,
  resolver: Resolver = systemResolver,
): Promise<GuardedEndpoint> {
  const checked = checkEndpointUrl(raw, policy);
  if (!checked.ok) return checked;
  const resolved = await resolveSafeAddress(checked.url, policy, resolver);
  if (!resolved.ok) return resolved;
  return { ok: true, url: checked.url, address: resolved.address };
}
