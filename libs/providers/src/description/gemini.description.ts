import { googleErrorBody } from '../errors/google-error.body';
import { readGeminiKeyFailure } from '../errors/google-key-failure.reader';
import type { RouteRule } from '../routes/route.table';
import type { ProviderDescription } from './provider-description';

/** The Gemini API's routes, under both of its versions (the SDKs use `v1beta`, `v1` is the stable surface). */
function geminiRoutes(version: string): RouteRule[] {
  const models = `/${version}/models`;
  return [
    { method: 'POST', pattern: `${models}/{model}:generateContent`, api: 'gemini-generate-content' },
    { method: 'POST', pattern: `${models}/{model}:streamGenerateContent`, api: 'gemini-generate-content', streaming: 'alt-sse' },
    { method: 'POST', pattern: `${models}/{model}:embedContent`, api: 'gemini-embeddings' },
    { method: 'POST', pattern: `${models}/{model}:batchEmbedContents`, api: 'gemini-embeddings' },
    { method: 'POST', pattern: `${models}/{model}:countTokens` },
    { method: 'GET', pattern: models, modelCatalog: 'list' },
    { method: 'GET', pattern: `${models}/{model}`, modelCatalog: 'model' },
  ];
}

/** Google's API errors: `{"error":{"code","message","status"}}`, the status being a google.rpc.Code name. */
export const GEMINI: ProviderDescription = {
  type: 'gemini',
  genAiProviderName: 'gcp.gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/',
  // The SDKs' base URL is the host; their paths start with the version.
  routePrefix: '',
  routes: [...geminiRoutes('v1beta'), ...geminiRoutes('v1')],
  credentialHeader: 'x-goog-api-key',
  clientCredentialHeaders: ['x-goog-api-key'],
  credentialQueryParameter: 'key',
  errorShapes: {
    bad_request: { status: 400, type: 'INVALID_ARGUMENT' },
    unauthorized: { status: 401, type: 'UNAUTHENTICATED' },
    not_found: { status: 404, type: 'NOT_FOUND' },
    payload_too_large: { status: 413, type: 'INVALID_ARGUMENT' },
    request_timeout: { status: 408, type: 'DEADLINE_EXCEEDED' },
    upstream_response_too_large: { status: 502, type: 'INTERNAL' },
    gateway_timeout: { status: 504, type: 'DEADLINE_EXCEEDED' },
    upstream_unavailable: { status: 502, type: 'UNAVAILABLE' },
    recording_unavailable: { status: 503, type: 'UNAVAILABLE' },
    shutting_down: { status: 503, type: 'UNAVAILABLE' },
    circuit_open: { status: 503, type: 'UNAVAILABLE' },
    rate_limited: { status: 429, type: 'RESOURCE_EXHAUSTED' },
    all_keys_failed: { status: 502, type: 'UNAVAILABLE' },
    model_access_denied: { status: 403, type: 'PERMISSION_DENIED' },
    byok_disabled: { status: 403, type: 'PERMISSION_DENIED' },
    byok_required: { status: 403, type: 'PERMISSION_DENIED' },
    user_endpoint_disabled: { status: 403, type: 'PERMISSION_DENIED' },
    budget_exceeded: { status: 429, type: 'RESOURCE_EXHAUSTED' },
    request_limit_exceeded: { status: 429, type: 'RESOURCE_EXHAUSTED' },
    token_limit_exceeded: { status: 429, type: 'RESOURCE_EXHAUSTED' },
    concurrency_limit_exceeded: { status: 429, type: 'RESOURCE_EXHAUSTED' },
    model_not_allowed: { status: 403, type: 'PERMISSION_DENIED' },
    invalid_endpoint: { status: 502, type: 'FAILED_PRECONDITION' },
    max_iterations_exceeded: { status: 500, type: 'INTERNAL' },
    internal: { status: 500, type: 'INTERNAL' },
  },
  errorBody: googleErrorBody,
  // Gemini API keys belong to a Google Cloud project; no header names or reports one.
  accountHeaders: { request: [], response: [] },
  breakerStatuses: [503, 504],
  // Gemini's invalid key is a 400 and its rate limit's delay is in the 429's body.
  keyFailureFromBody: { statuses: [400, 429], read: readGeminiKeyFailure },
  keyFormat: { prefix: 'AIza', vendor: 'a Gemini API' },
  keyCheck: { path: '/v1beta/models', headers: {} },
};
