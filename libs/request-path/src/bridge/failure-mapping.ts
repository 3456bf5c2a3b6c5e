import type { KeyWalker } from '@tollgate/keypool';
import { GatewayError } from '../errors/gateway-error';
import type { ProviderRuntime } from '../keys/provider-runtime';
import type { TransportFailure } from '../upstream/upstream.client';

/** The answer when the walker found no valid key: 429 while any key cools down, 403 when every key left is denied the model, else 502. */
export function exhaustionError(provider: ProviderRuntime, walker: KeyWalker): GatewayError {
  if (provider.config.keys.length === 0) {
    return new GatewayError(
      'all_keys_failed',
      `provider "${provider.config.name}" has no keys configured; send your own provider key or ask an operator to add keys`,
    );
  }
  const exhaustion = walker.exhausted();
  if (exhaustion.outcome === 'rate_limited') return new GatewayError('rate_limited', exhaustion.message, exhaustion.retryAfterSeconds);
  if (exhaustion.outcome === 'model_denied') return new GatewayError('model_access_denied', exhaustion.message);
  return new GatewayError('all_keys_failed', exhaustion.message);
}

export function transportError(failure: TransportFailure, cause?: Error): GatewayError {
  if (failure === 'timeout') return new GatewayError('gateway_timeout', 'the upstream provider did not answer in time');
  return new GatewayError('upstream_unavailable', `the upstream provider could not be reached${cause ? ` (${cause.message})` : ''}`);
}

/** `status: message` from an upstream error body, for the interception record. */
export function upstreamErrorSummary(status: number, body: Buffer): string {
  let message = '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } | string; message?: unknown };
    const candidate = typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
    if (typeof candidate === 'string') message = candidate;
  } catch {
    message = body.subarray(0, 200).toString('utf8');
  }
  return `upstream answered ${status}${message ? `: ${message.slice(0, 500)}` : ''}`;
}
