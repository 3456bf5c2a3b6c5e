import { describeProvider, type ProviderRef } from '../description/provider-descriptions';

/**
 * Whether a 403 body says the key may not use the requested model (as opposed to the key being refused outright).
 * The rule, in order:
 * - the provider's own marker (its description's `modelDenial`): OpenAI's `error.code` `model_not_found`, or a message
 *   saying "does not have access to model";
 * - any provider: the error message names the requested model (Anthropic's `permission_error` for a model the
 *   organisation may not use names it; a key-level refusal does not).
 * Anything else — unparseable, no message, a message about the key, the organisation or the resource in general — is
 * a key-level 403.
 */
export function isModelAccessDenial(provider: ProviderRef, body: Buffer, model: string): boolean {
  const error = errorObjectOf(body);
  if (!error) return false;
  const message = typeof error.message === 'string' ? error.message.toLowerCase() : '';
  const marker = describeProvider(provider).modelDenial;
  if (marker && (error.code === marker.code || message.includes(marker.phrase))) return true;
  return model.trim().length > 0 && message.includes(model.toLowerCase());
}

/** The error object of a provider's error body; AWS's bare `{"message": …}` (Bedrock) is its own. */
function errorObjectOf(body: Buffer): { message?: unknown; code?: unknown; type?: unknown } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown; message?: unknown };
    if (parsed !== null && typeof parsed.error === 'object' && parsed.error !== null) return parsed.error as { message?: unknown };
    return parsed !== null && typeof parsed.message === 'string' ? { message: parsed.message } : undefined;
  } catch {
    return undefined;
  }
}
