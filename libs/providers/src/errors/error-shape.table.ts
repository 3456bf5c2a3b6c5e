import { describeProvider, type ProviderRef } from '../description/provider-descriptions';

/** What went wrong in the gateway itself, independent of the provider. */
export type GatewayErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'request_timeout'
  | 'upstream_response_too_large'
  | 'gateway_timeout'
  | 'upstream_unavailable'
  | 'recording_unavailable'
  | 'shutting_down'
  | 'circuit_open'
  | 'rate_limited'
  | 'all_keys_failed'
  | 'model_access_denied'
  | 'byok_disabled'
  | 'byok_required'
  | 'user_endpoint_disabled'
  | 'budget_exceeded'
  | 'request_limit_exceeded'
  | 'token_limit_exceeded'
  | 'concurrency_limit_exceeded'
  | 'model_not_allowed'
  | 'invalid_endpoint'
  | 'max_iterations_exceeded'
  | 'internal';

export interface ErrorShape {
  status: number;
  type: string;
  /** OpenAI's `error.code`; Anthropic errors have none. */
  code?: string;
}

/** HTTP status and the provider's error `type` (and OpenAI `code`) for a gateway error kind. */
export function errorShapeFor(provider: ProviderRef, kind: GatewayErrorKind): ErrorShape {
  return describeProvider(provider).errorShapes[kind];
}
