import { KeyPool, type KeyPoolObserver, type KeySource, type KeyStateStore } from '@tollgate/keypool';
import type { Clock } from '@tollgate/time';
import type { ProviderConfig, TollgateConfig } from '@tollgate/platform';
import {
  PROVIDER_DESCRIPTIONS,
  azureOpenaiDescription,
  bedrockDescription,
  parseUpstreamBase,
  type AzureDeploymentForm,
  type ProviderDescription,
  type ProviderType,
  type UpstreamBase,
} from '@tollgate/providers';
import { BedrockDialect } from '../upstream/bedrock.dialect';
import type { UpstreamDialect } from '../upstream/upstream-dialect';

/** A configured provider instance with everything a request needs, built once at start. */
export interface ProviderRuntime {
  config: ProviderConfig;
  /** What the gateway knows of the provider's type: routes, auth, error shapes, breaker statuses, pings. */
  description: ProviderDescription;
  baseUrl: string;
  /** `baseUrl` taken apart once, for building each request's upstream target. */
  upstreamBase: UpstreamBase;
  /** Where its routes start: `/{name}` and the description's route prefix (`/{name}/v1` for the OpenAI type). */
  routePrefix: string;
  /** Set for an Azure OpenAI instance on the classic deployment URLs: each request's upstream path follows its model. */
  azureDeployments?: AzureDeploymentForm;
  /** Where centralized requests get their keys; the request path sees the pool only through this port. */
  keys: KeySource;
  /** The same pool's operator view: the admin API and the key-state gauges. */
  pool: KeyPool;
  /** How calls are rewritten for an upstream that is not the provider's own API (Bedrock); absent: sent as they are. */
  dialect?: UpstreamDialect;
}

export class ProviderRegistry {
  private readonly byName = new Map<string, ProviderRuntime>();

  constructor(
    config: TollgateConfig,
    store: KeyStateStore,
    clock: Clock,
    observer: KeyPoolObserver,
    descriptions: Readonly<Record<ProviderType, ProviderDescription>> = PROVIDER_DESCRIPTIONS,
  ) {
    for (const provider of config.providers) {
      const description = describeInstance(provider, descriptions[provider.type]);
      const baseUrl = provider.baseUrl ?? description.defaultBaseUrl;
      const upstreamBase = parseUpstreamBase(baseUrl);
      const dialect = provider.bedrock ? new BedrockDialect(provider.bedrock, upstreamBase, provider.keys) : undefined;
      const pool = new KeyPool({
        provider: provider.name,
        keys: provider.keys,
        options: {
          strategy: provider.strategy,
          authFailure: provider.authFailure,
          authCooldownMs: provider.authCooldownMs,
          defaultCooldownMs: provider.defaultCooldownMs,
          maxCooldownMs: provider.maxCooldownMs,
        },
        store,
        clock,
        fingerprintSecret: config.keyPool.fingerprintSecret,
        observer,
        hintOf: dialect && ((key) => dialect.hintOf(key)),
      });
      const routePrefix = `/${provider.name}${description.routePrefix}`;
      this.byName.set(provider.name, {
        config: provider,
        description,
        baseUrl,
        upstreamBase,
        routePrefix,
        keys: pool,
        pool,
        dialect,
        ...(provider.azure ? { azureDeployments: provider.azure } : {}),
      });
    }
  }

  get(name: string): ProviderRuntime | undefined {
    return this.byName.get(name);
  }

  all(): ProviderRuntime[] {
    return [...this.byName.values()];
  }
}

/** The description of one instance: its type's, or the Bedrock or Azure OpenAI variant its upstream needs. */
function describeInstance(provider: ProviderConfig, typeDescription: ProviderDescription): ProviderDescription {
  if (provider.bedrock) return bedrockDescription(provider.bedrock.region);
  return provider.type === 'openai' ? azureOpenaiDescription(typeDescription, provider.auth ?? 'bearer', provider.azure) : typeDescription;
}
