import type { ProviderType } from '../provider-type';

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

const SHAPES: Record<ProviderType, Record<GatewayErrorKind, ErrorShape>> = {
  openai: {
    bad_request: { status: 400, type: 'invalid_request_error', code: 'invalid_request' },
    unauthorized: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
    not_found: { status: 404, type: 'not_found_error', code: 'not_found' },
    payload_too_large: { status: 413, type: 'invalid_request_error', code: 'request_too_large' },
    request_timeout: { status: 408, type: 'invalid_request_error', code: 'request_timeout' },
    upstream_response_too_large: { status: 502, type: 'api_error', code: 'upstream_response_too_large' },
    gateway_timeout: { status: 504, type: 'timeout', code: 'gateway_timeout' },
    upstream_unavailable: { status: 502, type: 'api_error', code: 'upstream_unavailable' },
    recording_unavailable: { status: 503, type: 'server_error', code: 'service_unavailable' },
    shutting_down: { status: 503, type: 'server_error', code: 'service_unavailable' },
    circuit_open: { status: 503, type: 'server_error', code: 'service_unavailable' },
    rate_limited: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    all_keys_failed: { status: 502, type: 'api_error', code: 'server_error' },
    // What OpenAI itself answers when a project may not use a model.
    model_access_denied: { status: 403, type: 'invalid_request_error', code: 'model_not_found' },
    byok_disabled: { status: 403, type: 'permission_error', code: 'byok_disabled' },
    byok_required: { status: 403, type: 'permission_error', code: 'byok_required' },
    user_endpoint_disabled: { status: 403, type: 'permission_error', code: 'user_endpoint_disabled' },
    budget_exceeded: { status: 429, type: 'rate_limit_error', code: 'budget_exceeded' },
    request_limit_exceeded: { status: 429, type: 'rate_limit_error', code: 'request_limit_exceeded' },
    token_limit_exceeded: { status: 429, type: 'rate_limit_error', code: 'token_limit_exceeded' },
    concurrency_limit_exceeded: { status: 429, type: 'rate_limit_error', code: 'concurrency_limit_exceeded' },
    // A model policy (deployment, team, user or token) refuses the model: docs/configuration.md `models`.
    model_not_allowed: { status: 403, type: 'permission_error', code: 'model_not_allowed' },
    invalid_endpoint: { status: 502, type: 'api_error', code: 'invalid_endpoint' },
    max_iterations_exceeded: { status: 500, type: 'server_error', code: 'max_iterations_exceeded' },
    internal: { status: 500, type: 'server_error', code: 'internal_error' },
  },
  anthropic: {
    bad_request: { status: 400, type: 'invalid_request_error' },
    unauthorized: { status: 401, type: 'authentication_error' },
    not_found: { status: 404, type: 'not_found_error' },
    payload_too_large: { status: 413, type: 'request_too_large' },
    request_timeout: { status: 408, type: 'timeout_error' },
    upstream_response_too_large: { status: 502, type: 'api_error' },
    gateway_timeout: { status: 504, type: 'timeout_error' },
    upstream_unavailable: { status: 502, type: 'api_error' },
    recording_unavailable: { status: 503, type: 'api_error' },
    shutting_down: { status: 503, type: 'api_error' },
    circuit_open: { status: 503, type: 'overloaded_error' },
    rate_limited: { status: 429, type: 'rate_limit_error' },
    all_keys_failed: { status: 502, type: 'api_error' },
    model_access_denied: { status: 403, type: 'permission_error' },
    byok_disabled: { status: 403, type: 'permission_error' },
    byok_required: { status: 403, type: 'permission_error' },
    user_endpoint_disabled: { status: 403, type: 'permission_error' },
    budget_exceeded: { status: 429, type: 'rate_limit_error' },
    request_limit_exceeded: { status: 429, type: 'rate_limit_error' },
    token_limit_exceeded: { status: 429, type: 'rate_limit_error' },
    concurrency_limit_exceeded: { status: 429, type: 'rate_limit_error' },
    model_not_allowed: { status: 403, type: 'permission_error' },
    invalid_endpoint: { status: 502, type: 'api_error' },
    max_iterations_exceeded: { status: 500, type: 'api_error' },
    internal: { status: 500, type: 'api_error' },
  },
};

/** HTTP status and the provider's error `type` (and OpenAI `code`) for a gateway error kind. */
export function errorShapeFor(type: ProviderType, kind: GatewayErrorKind): ErrorShape {
  return SHAPES[type][kind];
}
