import { errorBody } from './error-body';
import { errorShapeFor, type GatewayErrorKind } from './error-shape.table';
import { sseErrorEvent } from './sse-error.event';

describe('errorBody', () => {
  it('renders the OpenAI shape', () => {
    const body = errorBody('openai', { type: 'authentication_error', code: 'invalid_api_key', message: 'bad "token"' });
    expect(body).toBe('{"error":{"message":"bad \\"token\\"","type":"authentication_error","code":"invalid_api_key","param":null}}');
  });

  it('renders a missing OpenAI code as null', () => {
    expect(JSON.parse(errorBody('openai', { type: 'invalid_request_error', message: 'm' }))).toEqual({
      error: { message: 'm', type: 'invalid_request_error', code: null, param: null },
    });
  });

  it('renders the Anthropic shape and ignores code', () => {
    const body = errorBody('anthropic', { type: 'not_found_error', code: 'ignored', message: 'route not supported: GET /v1/x' });
    expect(body).toBe('{"type":"error","error":{"type":"not_found_error","message":"route not supported: GET /v1/x"}}');
  });
});

describe('errorShapeFor', () => {
  const table: Array<[GatewayErrorKind, number, string, string, string]> = [
    ['bad_request', 400, 'invalid_request_error', 'invalid_request', 'invalid_request_error'],
    ['unauthorized', 401, 'authentication_error', 'invalid_api_key', 'authentication_error'],
    ['not_found', 404, 'not_found_error', 'not_found', 'not_found_error'],
    ['payload_too_large', 413, 'invalid_request_error', 'request_too_large', 'request_too_large'],
    ['gateway_timeout', 504, 'timeout', 'gateway_timeout', 'timeout_error'],
    ['upstream_unavailable', 502, 'api_error', 'upstream_unavailable', 'api_error'],
    ['recording_unavailable', 503, 'server_error', 'service_unavailable', 'api_error'],
    ['shutting_down', 503, 'server_error', 'service_unavailable', 'api_error'],
    ['circuit_open', 503, 'server_error', 'service_unavailable', 'overloaded_error'],
    ['rate_limited', 429, 'rate_limit_error', 'rate_limit_exceeded', 'rate_limit_error'],
    ['all_keys_failed', 502, 'api_error', 'server_error', 'api_error'],
    ['byok_disabled', 403, 'permission_error', 'byok_disabled', 'permission_error'],
    ['byok_required', 403, 'permission_error', 'byok_required', 'permission_error'],
    ['budget_exceeded', 429, 'rate_limit_error', 'budget_exceeded', 'rate_limit_error'],
    ['request_limit_exceeded', 429, 'rate_limit_error', 'request_limit_exceeded', 'rate_limit_error'],
    ['token_limit_exceeded', 429, 'rate_limit_error', 'token_limit_exceeded', 'rate_limit_error'],
    ['concurrency_limit_exceeded', 429, 'rate_limit_error', 'concurrency_limit_exceeded', 'rate_limit_error'],
    ['model_not_allowed', 403, 'permission_error', 'model_not_allowed', 'permission_error'],
    ['invalid_endpoint', 502, 'api_error', 'invalid_endpoint', 'api_error'],
    ['internal', 500, 'server_error', 'internal_error', 'api_error'],
  ];

  it.each(table)('%s → %i, openai %s/%s, anthropic %s', (kind, status, openaiType, openaiCode, anthropicType) => {
    expect(errorShapeFor('openai', kind)).toEqual({ status, type: openaiType, code: openaiCode });
    expect(errorShapeFor('anthropic', kind)).toEqual({ status, type: anthropicType });
  });

  it('produces the exact key-pool exhaustion and circuit-breaker bodies of the spec', () => {
    const render = (type: 'openai' | 'anthropic', kind: GatewayErrorKind, message: string) => {
      const shape = errorShapeFor(type, kind);
      return errorBody(type, { type: shape.type, code: shape.code, message });
    };
    expect(render('openai', 'circuit_open', 'circuit breaker is open')).toBe(
      '{"error":{"message":"circuit breaker is open","type":"server_error","code":"service_unavailable","param":null}}',
    );
    expect(render('anthropic', 'circuit_open', 'circuit breaker is open')).toBe(
      '{"type":"error","error":{"type":"overloaded_error","message":"circuit breaker is open"}}',
    );
    expect(JSON.parse(render('openai', 'rate_limited', 'x')).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(JSON.parse(render('openai', 'all_keys_failed', 'x')).error).toMatchObject({ type: 'api_error', code: 'server_error' });
  });
});

describe('sseErrorEvent', () => {
  it('anthropic', () => {
    expect(sseErrorEvent('anthropic-messages', { type: 'overloaded_error', message: 'Overloaded' })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });

  it('openai chat, with and without a code', () => {
    expect(sseErrorEvent('openai-chat', { type: 'server_error', code: 'stream_broken', message: 'upstream broke' })).toBe(
      'data: {"error":{"type":"server_error","code":"stream_broken","message":"upstream broke"}}\n\n',
    );
    expect(sseErrorEvent('openai-chat', { type: 'timeout', message: 'idle' })).toBe(
      'data: {"error":{"type":"timeout","code":null,"message":"idle"}}\n\n',
    );
  });

  it('openai responses, numbered', () => {
    expect(sseErrorEvent('openai-responses', { type: 'api_error', code: 'server_error', message: 'boom' }, 17)).toBe(
      'event: error\ndata: {"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":17}\n\n',
    );
    expect(sseErrorEvent('openai-responses', { type: 'timeout', message: 'idle' })).toBe(
      'event: error\ndata: {"type":"error","code":"timeout","message":"idle","param":null,"sequence_number":0}\n\n',
    );
  });

  it('gemini: the Google error object as a plain data event, its code the status it would have had', () => {
    for (const api of ['gemini-generate-content', 'gemini-embeddings'] as const) {
      expect(sseErrorEvent(api, { type: 'UNAVAILABLE', message: 'circuit breaker is open', status: 503 })).toBe(
        'data: {"error":{"code":503,"message":"circuit breaker is open","status":"UNAVAILABLE"}}\n\n',
      );
    }
    // A broken upstream stream: the relay's own types become Google statuses.
    expect(sseErrorEvent('gemini-generate-content', { type: 'timeout', message: 'idle' })).toBe('data: {"error":{"code":504,"message":"idle","status":"DEADLINE_EXCEEDED"}}\n\n');
    expect(sseErrorEvent('gemini-generate-content', { type: 'api_error', message: 'broke' })).toBe('data: {"error":{"code":500,"message":"broke","status":"INTERNAL"}}\n\n');
  });
});

describe('Gemini errors', () => {
  it.each([
    ['unauthorized', 401, 'UNAUTHENTICATED'],
    ['model_not_allowed', 403, 'PERMISSION_DENIED'],
    ['not_found', 404, 'NOT_FOUND'],
    ['rate_limited', 429, 'RESOURCE_EXHAUSTED'],
    ['bad_request', 400, 'INVALID_ARGUMENT'],
    ['all_keys_failed', 502, 'UNAVAILABLE'],
    ['gateway_timeout', 504, 'DEADLINE_EXCEEDED'],
    ['internal', 500, 'INTERNAL'],
  ] as const)('%s: %s %s in Google\'s shape, code = the status answered', (kind, status, googleStatus) => {
    const shape = errorShapeFor('gemini', kind);
    expect(shape).toEqual({ status, type: googleStatus });
    expect(JSON.parse(errorBody('gemini', { type: shape.type, message: 'why', status: shape.status }))).toEqual({ error: { code: status, message: 'why', status: googleStatus } });
  });
});
