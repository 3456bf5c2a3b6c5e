import type { ModelAliasConfig } from '@tollgate/platform';
import { withModel, type ProviderType } from '@tollgate/providers';
import type { ProviderRegistry, ProviderRuntime } from '../keys/provider-runtime';

/** One target of an alias: a provider instance (its own pool, breaker, base URL) and the model it is asked for. */
export interface AliasTarget {
  provider: ProviderRuntime;
  model: string;
}

/** An alias of one API family, its targets in the order they are tried. */
export interface ModelAlias {
  name: string;
  family: ProviderType;
  targets: readonly AliasTarget[];
}

/** What goes upstream for one target: the path after the provider's prefix and the body. */
export interface RetargetedRequest {
  upstreamPath: string;
  body: Buffer;
}

/**
 * How a request is pointed at a target model, per API family. OpenAI and Anthropic name the model in the body: its
 * `model` value is replaced in place. A family that names it in the path (Gemini's `models/{model}:generateContent`)
 * rewrites the path instead.
 */
const RETARGET: Record<ProviderType, (request: RetargetedRequest, model: string) => RetargetedRequest> = {
  openai: retargetBody,
  anthropic: retargetBody,
  gemini: retargetPath,
};

function retargetBody(request: RetargetedRequest, model: string): RetargetedRequest {
  return { upstreamPath: request.upstreamPath, body: withModel(request.body, model) ?? request.body };
}

const MODELS_SEGMENT = '/models/';

/** Gemini's `…/models/{model}:generateContent`: the model segment replaced, the body as sent. */
function retargetPath(request: RetargetedRequest, model: string): RetargetedRequest {
  const path = request.upstreamPath;
  const start = path.indexOf(MODELS_SEGMENT);
  if (start === -1) return request;
  const from = start + MODELS_SEGMENT.length;
  const colon = path.indexOf(':', from);
  const end = colon === -1 ? path.length : colon;
  return { upstreamPath: `${path.slice(0, from)}${encodeURIComponent(model)}${path.slice(end)}`, body: request.body };
}

export function retarget(family: ProviderType, request: RetargetedRequest, model: string): RetargetedRequest {
  return RETARGET[family](request, model);
}

/**
 * `routing.aliases` resolved against the configured providers (built with them, swapped with them on reload). A
 * request costs one map look-up by the model it names; only a hit costs more.
 */
export class ModelAliases {
  private readonly byName = new Map<string, Partial<Record<ProviderType, ModelAlias>>>();
  private readonly byFamily = new Map<ProviderType, ModelAlias[]>();

  constructor(aliases: readonly ModelAliasConfig[], providers: ProviderRegistry) {
    for (const alias of aliases) {
      const targets: AliasTarget[] = [];
      for (const target of alias.targets) {
        const provider = providers.get(target.provider);
        // The configuration was validated: every target names a provider. Guarded for configurations built in code.
        if (provider) targets.push({ provider, model: target.model });
      }
      if (targets.length === 0) continue;
      const family = targets[0].provider.config.type;
      const resolved: ModelAlias = { name: alias.name, family, targets };
      const byFamily = this.byName.get(alias.name) ?? {};
      byFamily[family] = resolved;
      this.byName.set(alias.name, byFamily);
      const ofFamily = this.byFamily.get(family) ?? [];
      ofFamily.push(resolved);
      this.byFamily.set(family, ofFamily);
    }
  }

  /** The alias a request for `model` on a provider of `family` names, if any. */
  find(model: string, family: ProviderType): ModelAlias | undefined {
    return this.byName.get(model)?.[family];
  }

  /** The aliases of one family, in configuration order (model lists). */
  ofFamily(family: ProviderType): readonly ModelAlias[] | undefined {
    return this.byFamily.get(family);
  }
}
