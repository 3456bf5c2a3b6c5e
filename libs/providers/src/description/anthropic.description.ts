import type { ProviderDescription } from './provider-description';

export const ANTHROPIC: ProviderDescription = {
  type: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com/',
  routePrefix: '',
  routes: [
    { method: 'POST', pattern: '/v1/messages', api: 'anthropic-messages' },
    { method: 'GET', pattern: '/v1/models' },
    { method: 'GET', pattern: '/v1/models/:id' },
    { method: 'POST', pattern: '/v1/messages/count_tokens' },
  ],
  credentialHeader: 'x-api-key',
  // An OAuth token arrives as a Bearer.
  clientCredentialHeaders: ['x-api-key', 'authorization'],
  errorShapes: {
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
    invalid_endpoint: { status: 502, type: 'api_error' },
    max_iterations_exceeded: { status: 500, type: 'api_error' },
    internal: { status: 500, type: 'api_error' },
  },
  errorBody: (error) => JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } }),
  // 529: Anthropic's "overloaded".
  breakerStatuses: [503, 504, 529],
  streamPing: 'event: ping\ndata: {"type": "ping"}\n\n',
  keyCheck: { path: '/v1/models', headers: { 'anthropic-version': '2023-06-01' } },
};
