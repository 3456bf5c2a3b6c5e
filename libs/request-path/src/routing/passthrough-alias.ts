import { modelRefusal } from '../access/model-access.gate';
import type { CallerAccess } from '@tollgate/limits';
import { GatewayError } from '../errors/gateway-error';
import { retarget, type ModelAlias } from './model-aliases';
import type { ProviderRuntime } from '../keys/provider-runtime';

/** Where a passthrough request naming an alias in its path goes: the target's provider, and the path with its model. */
export interface PassthroughAliasTarget {
  provider: ProviderRuntime;
  upstreamPath: string;
}

/**
 * A passthrough route with the model in its path (Gemini's `models/{model}:countTokens`) naming an alias goes to the
 * alias's first target the caller may use, without fallback: its answer is about the model, not a generation. A
 * user's own key belongs to the provider it was sent to, so it is used only when that provider is the target's.
 */
export function passthroughAliasTarget(
  alias: ModelAlias,
  access: CallerAccess,
  upstreamPath: string,
  clientProvider: ProviderRuntime,
  ownKey: boolean,
): PassthroughAliasTarget | GatewayError {
  let refusal: GatewayError | undefined;
  for (const target of alias.targets) {
    const refused = modelRefusal(access, target.provider.config.name, target.model);
    if (refused) {
      refusal ??= refused.error;
      continue;
    }
    if (ownKey && target.provider !== clientProvider) {
      return new GatewayError(
        'bad_request',
        `model alias '${alias.name}' is served by provider '${target.provider.config.name}'; a request with your own provider key names an alias only on that provider's routes`,
      );
    }
    return { provider: target.provider, upstreamPath: retarget(alias.family, { upstreamPath, body: EMPTY }, target.model).upstreamPath };
  }
  return new GatewayError('model_not_allowed', `no target of model alias '${alias.name}' is allowed: ${refusal?.message ?? 'it has no target'}`);
}

const EMPTY = Buffer.alloc(0);
