import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { anthropicErrorFromBedrock } from './bedrock-error.translator';
import { BedrockEventStreamTranslator } from './bedrock-event-stream.translator';
import { bedrockModelIds, resolveBedrockModelId } from './bedrock-model-ids';
import { toBedrockInvocation } from './bedrock-request.translator';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const string = (value: string) => ({ type: 'string' as const, value });

function chunk(event: unknown): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(event)).toString('base64');
  return codec.encode({
    headers: { ':event-type': string('chunk'), ':content-type': string('application/json'), ':message-type': string('event') },
    body: fromUtf8(JSON.stringify({ bytes, p: 'abcd' })),
  });
}

const START = { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3, output_tokens: 1 } } };
const DELTA = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } };
const STOP = { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 3, outputTokenCount: 1 } };
const SSE = [START, DELTA, STOP].map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');

describe('Bedrock event stream → Anthropic SSE', () => {
  const stream = Buffer.concat([chunk(START), chunk(DELTA), chunk(STOP)]);

  it('turns each chunk event into one SSE event, the JSON as Bedrock sent it', () => {
    const translator = new BedrockEventStreamTranslator();
    expect(translator.push(stream) + translator.end()).toBe(SSE);
  });

  it.each([1, 3, 7, 16, 64])('gives the same SSE when the bytes arrive in reads of %i bytes', (size) => {
    const translator = new BedrockEventStreamTranslator();
    let sse = '';
    for (let at = 0; at < stream.length; at += size) sse += translator.push(stream.subarray(at, at + size));
    expect(sse + translator.end()).toBe(SSE);
  });

  it('emits an event as soon as its message is complete, not at the end', () => {
    const translator = new BedrockEventStreamTranslator();
    const first = chunk(START);
    expect(translator.push(first.subarray(0, first.length - 1))).toBe('');
    expect(translator.push(first.subarray(first.length - 1))).toBe(`event: message_start\ndata: ${JSON.stringify(START)}\n\n`);
  });

  it('turns an exception message into an Anthropic SSE error event', () => {
    const exception = codec.encode({
      headers: { ':exception-type': string('throttlingException'), ':content-type': string('application/json'), ':message-type': string('exception') },
      body: fromUtf8(JSON.stringify({ message: 'Too many tokens, please wait before trying again.' })),
    });
    expect(new BedrockEventStreamTranslator().push(exception)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Too many tokens, please wait before trying again."}}\n\n',
    );
  });

  it('says the stream broke when it ends inside a message', () => {
    const translator = new BedrockEventStreamTranslator();
    translator.push(chunk(START).subarray(0, 10));
    expect(() => translator.end()).toThrow(/ended inside a message/);
  });

  it('refuses a corrupted message (checksum)', () => {
    const corrupted = Buffer.from(chunk(START));
    corrupted[corrupted.length - 6] ^= 0xff;
    expect(() => new BedrockEventStreamTranslator().push(corrupted)).toThrow(/checksum/);
  });
});

describe('Anthropic Messages → InvokeModel body', () => {
  it('drops model and stream, adds anthropic_version and moves anthropic-beta into the body', () => {
    const body = Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 5, messages: [], anthropic_beta: ['a'] }));
    const invocation = toBedrockInvocation(body, 'b, a ,c');
    expect(invocation).toMatchObject({ ok: true, model: 'claude-sonnet-4-5', streaming: true });
    if (!invocation.ok) throw new Error('unreachable');
    expect(JSON.parse(invocation.body.toString())).toEqual({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: [], anthropic_beta: ['a', 'b', 'c'] });
  });

  it('refuses a body without a model', () => {
    expect(toBedrockInvocation(Buffer.from('{"max_tokens":1}'), undefined)).toEqual({ ok: false, reason: 'model: a model name is required' });
  });
});

describe('Bedrock model ids', () => {
  it('prefixes the defaults with the region geography; operator entries win; Bedrock ids pass through', () => {
    const ids = bedrockModelIds('eu-central-1', { 'claude-sonnet-4-5': 'arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc' });
    expect(resolveBedrockModelId(ids, 'claude-haiku-4-5')).toBe('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(resolveBedrockModelId(ids, 'claude-sonnet-4-5')).toBe('arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc');
    expect(resolveBedrockModelId(ids, 'anthropic.claude-3-haiku-20240307-v1:0')).toBe('anthropic.claude-3-haiku-20240307-v1:0');
    expect(resolveBedrockModelId(ids, 'gpt-4o')).toBeUndefined();
    expect(resolveBedrockModelId(bedrockModelIds('sa-east-1', {}), 'claude-sonnet-4-5')).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
  });
});

describe('Bedrock errors → Anthropic errors', () => {
  it.each([
    [400, 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/', 'invalid_request_error'],
    [429, 'ThrottlingException', 'rate_limit_error'],
    [403, 'AccessDeniedException', 'permission_error'],
    [403, 'UnrecognizedClientException', 'authentication_error'],
    [503, 'ServiceUnavailableException', 'overloaded_error'],
    [408, 'ModelTimeoutException', 'timeout_error'],
    [424, 'ModelErrorException', 'api_error'],
    [500, undefined, 'api_error'],
  ])('%i %s → %s', (status, errorType, type) => {
    expect(JSON.parse(anthropicErrorFromBedrock(status, errorType, Buffer.from('{"message":"why"}')))).toEqual({ type: 'error', error: { type, message: 'why' } });
  });

  it('keeps a signature error\'s canonical request (which holds the session token) out of the message', () => {
    const body = Buffer.from(JSON.stringify({ message: 'The request signature we calculated does not match. The Canonical String for this request should have been POST x-amz-security-token:SECRET' }));
    expect(anthropicErrorFromBedrock(403, 'InvalidSignatureException', body)).not.toContain('SECRET');
  });
});

describe('Bedrock event stream: error messages', () => {
  it('turns an `:message-type: error` message into an Anthropic SSE error event with its code and message', () => {
    const error = codec.encode({
      headers: { ':message-type': string('error'), ':error-code': string('InternalServerException'), ':error-message': string('Something went wrong.') },
      body: new Uint8Array(0),
    });
    expect(new BedrockEventStreamTranslator().push(error)).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Something went wrong."}}\n\n');
  });

  it('ignores events other than chunks', () => {
    const other = codec.encode({ headers: { ':message-type': string('event'), ':event-type': string('initial-response') }, body: fromUtf8('{}') });
    expect(new BedrockEventStreamTranslator().push(other)).toBe('');
  });
});
