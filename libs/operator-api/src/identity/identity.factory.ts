import {
  IdentityDirectory,
  KeyRing,
  PinnedDispatcherCache,
  guardUserEndpoint,
  systemResolver,
  validateEndpointPolicy,
  type DirectoryChangeNotifier,
  type EndpointPolicy,
  type IdentityStore,
  type Resolver,
} from '@tollgate/byok';
import type { Logger, TollgateConfig } from '@tollgate/platform';
import type { Clock } from '@tollgate/time';
import type { ProviderRegistry } from '@tollgate/request-path';
import type { UpstreamClient } from '@tollgate/request-path';
import { IdentityService } from './identity.service';
import { TeamService } from './team.service';
import { createKeyVerifier } from './provider-key.verifier';
import type { EndpointGuard } from '@tollgate/request-path';

export interface UserEndpointsWiring {
  guard: EndpointGuard;
  close(): Promise<void>;
}

/**
 * The SSRF guard for user endpoints with one cache of pinned dispatchers, so requests to the same checked address
 * share connections. `resolver` is injectable for tests; production resolves with the system resolver.
 */
export function createUserEndpoints(config: TollgateConfig, resolver: Resolver = systemResolver): UserEndpointsWiring {
  const policy: EndpointPolicy = {
    allowHttpHosts: config.byok.allowHttpHosts,
    allowedPorts: [443, ...config.byok.allowedPorts],
    denyCidrs: config.byok.denyCidrs,
  };
  validateEndpointPolicy(policy);
  const { connectTimeoutMs, firstByteTimeoutMs, idleTimeoutMs } = config.server.upstream;
  const dispatchers = new PinnedDispatcherCache({
    maxEntries: 256,
    idleTtlMs: 5 * 60_000,
    dispatcher: { connectTimeoutMs, headersTimeoutMs: firstByteTimeoutMs, bodyTimeoutMs: idleTimeoutMs },
  });
  return {
    guard: async (baseUrl) => {
      const checked = await guardUserEndpoint(baseUrl, policy, resolver);
      if (!checked.ok) return checked;
      return { ok: true, url: checked.url, dispatcher: dispatchers.dispatcherFor(checked.url, checked.address) };
    },
    close: () => dispatchers.close(),
  };
}

export interface IdentityWiring {
  service: IdentityService;
  teams: TeamService;
  directory: IdentityDirectory;
}

/** Parses the key-encryption keys (a bad set stops start-up with the reason, never the key) and builds the service. */
export function createIdentity(args: {
  config: () => TollgateConfig;
  store: IdentityStore;
  providers: () => ProviderRegistry;
  upstream: UpstreamClient;
  endpoints: UserEndpointsWiring;
  logger: Logger;
  notifier?: DirectoryChangeNotifier;
  clock: Clock;
}): IdentityWiring {
  const initial = args.config();
  const keyRing = initial.byok.encryptionKeys ? KeyRing.parse(initial.byok.encryptionKeys) : undefined;
  const directory = new IdentityDirectory(args.store, {
    pollIntervalMs: initial.identity.pollIntervalMs,
    logger: args.logger,
    notifier: args.notifier,
    clock: args.clock,
  });
  const service = new IdentityService({
    store: args.store,
    directory,
    keyRing,
    fingerprintSecret: initial.keyPool.fingerprintSecret,
    providers: args.providers,
    defaultMode: () => args.config().byok.mode,
    defaultBudget: () => {
      const fallback = args.config().budgets.default;
      return fallback && { micros: fallback.amountMicros, period: fallback.period };
    },
    verifyKey: createKeyVerifier(args.upstream, initial.byok.verifyTimeoutMs),
    guardEndpoint: args.endpoints.guard,
    logger: args.logger,
    clock: args.clock,
  });
  return { service, teams: new TeamService(args.store, directory), directory };
}
