import type { MockProvider } from './mock-upstream.types';

interface ErrorKind {
  type: string;
  code: string | null;
  message: string;
}

const OPENAI_ERRORS: Record<number, ErrorKind> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'permission_denied', message: 'You are not allowed to use this model.' },
  404: { type: 'invalid_request_error', code: 'not_found', message: 'The requested resource does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The server is overloaded or not ready yet.' },
};

const ANTHROPIC_ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  402: { type: 'billing_error', message: 'Your credit balance is too low.' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  504: { type: 'timeout_error', message: 'Request timed out' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** `{ error: { message, type, param, code } }` as the OpenAI API answers it. */
export function openaiErrorBody(status: number, message?: string): unknown {
  const kind = OPENAI_ERRORS[status] ?? (status >= 500 ? OPENAI_ERRORS[500] : OPENAI_ERRORS[400]);
  return { error: { message: message ?? kind.message, type: kind.type, param: null, code: kind.code } };
}

/** `{ type: 'error', error: { type, message }, request_id }` as the Anthropic API answers it. */
export function anthropicErrorBody(status: number, requestId: string, message?: string): unknown {
  const kind = ANTHROPIC_ERRORS[status] ?? (status >= 500 ? ANTHROPIC_ERRORS[500] : ANTHROPIC_ERRORS[400]);
  return { type: 'error', error: { type: kind.type, message: message ?? kind.message }, request_id: requestId };
}

const AZURE_MESSAGES: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  403: 'The principal does not have access to this deployment.',
  404: 'Resource not found',
  429: 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2025-04-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 2 seconds.',
  500: 'The server had an error while processing your request. Sorry about that!',
};

/** `{ error: { code, message } }` as Azure OpenAI answers it: the code is the status as a string. */
export function azureErrorBody(status: number, message?: string): unknown {
  return { error: { code: String(status), message: message ?? AZURE_MESSAGES[status] ?? AZURE_MESSAGES[status >= 500 ? 500 : 400] } };
}

/** What Azure answers with its 429s: the wait in milliseconds and in seconds (a step's own headers replace these). */
export const AZURE_429_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'retry-after-ms': '2000', 'retry-after': '2' });

const GEMINI_ERRORS: Record<number, { status: string; message: string }> = {
  400: { status: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received.' },
  401: { status: 'UNAUTHENTICATED', message: 'Request is missing required authentication credential.' },
  403: { status: 'PERMISSION_DENIED', message: 'Method doesn\'t allow unregistered callers.' },
  404: { status: 'NOT_FOUND', message: 'Requested entity was not found.' },
  429: { status: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' },
  500: { status: 'INTERNAL', message: 'An internal error has occurred.' },
  503: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
  504: { status: 'DEADLINE_EXCEEDED', message: 'Deadline expired before operation could complete.' },
};

/** `{ error: { code, message, status } }` as Google's APIs answer it. */
export function geminiErrorBody(status: number, message?: string, details?: unknown[]): unknown {
  const kind = GEMINI_ERRORS[status] ?? (status >= 500 ? GEMINI_ERRORS[500] : GEMINI_ERRORS[400]);
  return { error: { code: status, message: message ?? kind.message, status: kind.status, ...(details ? { details } : {}) } };
}

/** Gemini's 429, with the `RetryInfo` detail saying how long to wait (`"37s"`, `"1.5s"`). */
export function geminiRateLimitBody(retryDelay: string): unknown {
  return geminiErrorBody(429, 'You exceeded your current quota, please check your plan and billing details.', [
    { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
  ]);
}

/** What Gemini answers for an API key that is not valid: a 400 (not a 401) whose `ErrorInfo` says `API_KEY_INVALID`. */
export function geminiInvalidKeyBody(): unknown {
  return geminiErrorBody(400, 'API key not valid. Please pass a valid API key.', [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
  ]);
}

const ERROR_BODIES: Readonly<Record<MockProvider, (status: number, requestId: string, message?: string) => unknown>> = {
  openai: (status, _requestId, message) => openaiErrorBody(status, message),
  anthropic: anthropicErrorBody,
  // A bare 429 is Gemini's own: with a RetryInfo detail.
  azure: (status, _requestId, message) => azureErrorBody(status, message),
  gemini: (status, _requestId, message) => (status === 429 && message === undefined ? geminiRateLimitBody('37s') : geminiErrorBody(status, message)),
};

export function providerErrorBody(
  provider: MockProvider | undefined,
  status: number,
  requestId: string,
  message?: string,
): unknown {
  return ERROR_BODIES[provider ?? 'openai'](status, requestId, message);
}
