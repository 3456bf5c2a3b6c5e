import fc from 'fast-check';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour } from './hostile-upstream';

/** One fuzzed request and what the hostile upstream is told to do with it. */
export interface FuzzCase {
  method: string;
  path: string;
  /** Which error shape a gateway-made error must have: the route's provider, or OpenAI for unknown paths. */
  shape: 'openai' | 'anthropic';
  /** A bridged route (chat completions, Responses, messages) rather than passthrough or an unknown path. */
  bridged: boolean;
  headers: Record<string, string>;
  body: Buffer;
  behaviour: HostileBehaviour;
  caseNumber: number;
}

export interface FuzzCredentials {
  token: string;
  providerKey: string;
}

type Api = 'chat' | 'responses' | 'messages';

interface Route {
  method: string;
  path: string;
  shape: 'openai' | 'anthropic';
  api?: Api;
}

const ROUTES: Route[] = [
  { method: 'POST', path: '/openai/v1/chat/completions', shape: 'openai', api: 'chat' },
  { method: 'POST', path: '/openai/v1/responses', shape: 'openai', api: 'responses' },
  { method: 'POST', path: '/anthropic/v1/messages', shape: 'anthropic', api: 'messages' },
  { method: 'GET', path: '/openai/v1/models', shape: 'openai' },
  { method: 'GET', path: '/openai/v1/models/gpt-fuzz', shape: 'openai' },
  { method: 'GET', path: '/openai/v1/responses/resp_123', shape: 'openai' },
  { method: 'DELETE', path: '/openai/v1/responses/resp_123', shape: 'openai' },
  { method: 'POST', path: '/openai/v1/responses/resp_123/cancel', shape: 'openai' },
  { method: 'POST', path: '/openai/v1/conversations', shape: 'openai' },
  { method: 'GET', path: '/openai/v1/conversations/conv_1/items', shape: 'openai' },
  { method: 'GET', path: '/anthropic/v1/models', shape: 'anthropic' },
  { method: 'GET', path: '/anthropic/v1/models/claude-fuzz', shape: 'anthropic' },
  { method: 'POST', path: '/anthropic/v1/messages/count_tokens', shape: 'anthropic' },
  { method: 'GET', path: '/zz-unknown/route', shape: 'openai' },
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** Ways a path is bent: the provider prefix stays, so the expected error shape is still known. */
const pathMutation = fc.oneof(
  { weight: 12, arbitrary: fc.constant((path: string) => path) },
  { weight: 1, arbitrary: fc.constantFrom('?a=b&x=%00', '?stream=true', '/', '//', '/.', '/..', '/%2e%2e', '\\x', '/%ff%fe', '?' + 'q'.repeat(4000)).map((tail) => (path: string) => path + tail) },
  { weight: 1, arbitrary: fc.constantFrom('/./', '//', '/../', '/%2F', '/%00/').map((middle) => (path: string) => path.replace(/\/(?=[^/]*$)/, middle)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', '-', '_', '%20', 'é', '~', '.'), maxLength: 20 }).map((segment) => (path: string) => `${path}/${encodeURI(segment)}`) },
  { weight: 1, arbitrary: fc.constant((path: string) => path.replace(/[^/]+$/, (segment) => segment.toUpperCase())) },
);

/** Header values Node's client will send: latin-1 without control characters. */
const headerValue = fc.string({ unit: fc.mapToConstant({ num: 95, build: (v) => String.fromCharCode(0x20 + v) }, { num: 96, build: (v) => String.fromCharCode(0xa0 + v) }), maxLength: 80 });

function authHeaders(credentials: FuzzCredentials, shape: 'openai' | 'anthropic'): fc.Arbitrary<Record<string, string>> {
  const { token, providerKey } = credentials;
  const headers = (value: Record<string, string>): fc.Arbitrary<Record<string, string>> => fc.constant(value);
  return fc.oneof(
    { weight: 10, arbitrary: headers({ authorization: `Bearer ${token}` }) },
    { weight: 4, arbitrary: headers({ 'x-api-key': token }) },
    { weight: 4, arbitrary: headers({ 'x-tollgate-token': token }) },
    { weight: 2, arbitrary: headers(shape === 'openai' ? { 'x-tollgate-token': token, authorization: `Bearer ${providerKey}` } : { 'x-tollgate-token': token, 'x-api-key': providerKey }) },
    { weight: 1, arbitrary: headers({}) },
    { weight: 1, arbitrary: headers({ authorization: `Bearer tg_not_a_real_token` }) },
    { weight: 1, arbitrary: headers({ authorization: `Bearer a${' '.repeat(8000)}b` }) },
    { weight: 1, arbitrary: headerValue.map((value) => ({ authorization: value, 'x-api-key': value })) },
    { weight: 1, arbitrary: headers({ authorization: `Basic ${Buffer.from(`${token}:x`).toString('base64')}` }) },
  );
}

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Record<string, string>>({ 'content-type': 'application/json' }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json;;;')
      .map((value): Record<string, string> => (value === '' ? {} : { 'content-type': value })),
  },
);

const extraHeaders = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue, { maxKeys: 5 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      { 'accept-encoding': 'gzip, br' },
      { 'content-encoding': 'gzip' },
      { connection: 'keep-alive, x-tollgate-token' },
      { accept: 'text/event-stream' },
      { 'x-forwarded-for': '127.0.0.1, ::1' },
      { 'x-tollgate-interception-id': 'forged' },
    ),
  },
);

const text = fc.string({ maxLength: 40 });
const tool = fc.oneof(
  text.map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } })),
  text.map((name) => ({ name, input_schema: { type: 'object' } })),
  fc.constantFrom({ type: 'web_search' }, null, 7, { function: null }),
);

function validBody(api: Api): fc.Arbitrary<Record<string, unknown>> {
  const content = fc.oneof(text, fc.array(fc.record({ type: fc.constantFrom('text', 'input_text', 'image_url'), text }), { maxLength: 3 }));
  const turn = fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content });
  const common = { model: fc.oneof(fc.constantFrom('gpt-fuzz', 'claude-fuzz'), text), stream: fc.boolean(), tools: fc.array(tool, { maxLength: 3 }) };
  if (api === 'responses') return fc.record({ ...common, input: fc.oneof(text, fc.array(turn, { maxLength: 4 })) });
  if (api === 'messages') return fc.record({ ...common, messages: fc.array(turn, { maxLength: 4 }), max_tokens: fc.integer({ min: -1, max: 4096 }) });
  return fc.record({ ...common, messages: fc.array(turn, { maxLength: 4 }) });
}

/** A valid body bent the ways clients and attackers bend them. */
function mutated(body: Record<string, unknown>, mutation: number, position: number, noise: string): Buffer {
  const bytes = Buffer.from(JSON.stringify(body));
  const at = position % (bytes.length + 1);
  switch (mutation % 8) {
    case 0:
      return bytes.subarray(0, at);
    case 1: {
      const flipped = Buffer.from(bytes);
      if (at < flipped.length) flipped[at] ^= 0x80;
      return flipped;
    }
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(noise), bytes.subarray(at)]);
    case 3:
      return Buffer.from(JSON.stringify({ ...body, model: [42, null, {}, '', true][position % 5] }));
    case 4:
      return Buffer.from(JSON.stringify({ ...body, stream: ['yes', 1, null, {}][position % 4], messages: { role: 'user' }, input: 3, tools: 'all' }));
    case 5:
      return Buffer.from(`${JSON.stringify(body).slice(0, -1)},"model":"dup","model":${JSON.stringify(noise)}}`);
    case 6:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    default:
      return Buffer.from(JSON.stringify([body]));
  }
}

function bodyFor(api: Api | undefined): fc.Arbitrary<Buffer> {
  const valid = validBody(api ?? 'chat');
  return fc.oneof(
    { weight: 10, arbitrary: valid.map((body) => Buffer.from(JSON.stringify(body))) },
    { weight: 5, arbitrary: fc.tuple(valid, fc.nat(), fc.nat(), text).map(([body, mutation, position, noise]) => mutated(body, mutation, position, noise)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 2, arbitrary: fc.json().map((json) => Buffer.from(json)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 400_000 }).map((size) => Buffer.from(JSON.stringify({ model: 'gpt-fuzz', messages: [{ role: 'user', content: 'z'.repeat(size) }] }))) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((depth) => Buffer.from(`{"model":"gpt-fuzz","messages":${'['.repeat(depth)}${']'.repeat(depth)}}`)) },
  );
}

const behaviour = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<HostileBehaviour>('json-ok', 'sse-ok') },
  { weight: 16, arbitrary: fc.constantFrom(...HOSTILE_BEHAVIOURS.filter((name) => name !== 'sse-stall')) },
  { weight: 1, arbitrary: fc.constant<HostileBehaviour>('sse-stall') },
);

/** Fuzz cases for the bridged and passthrough routes of an `openai` and an `anthropic` provider. */
export function fuzzCase(credentials: FuzzCredentials): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...ROUTES).chain((route) =>
    fc
      .record({
        method: fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        bend: pathMutation,
        auth: authHeaders(credentials, route.shape),
        contentType,
        extra: extraHeaders,
        body: route.method === 'GET' || route.method === 'DELETE' ? fc.oneof({ weight: 6, arbitrary: fc.constant(Buffer.alloc(0)) }, { weight: 1, arbitrary: bodyFor(route.api) }) : bodyFor(route.api),
        behaviour,
        caseNumber: fc.nat(),
      })
      .map(({ method, bend, auth, contentType: type, extra, body, behaviour: chosen, caseNumber }) => ({
        method,
        path: bend(route.path),
        shape: route.shape,
        bridged: route.api !== undefined && method === route.method && bend(route.path).split('?')[0] === route.path,
        headers: { ...extra, ...type, ...auth },
        body,
        behaviour: chosen,
        caseNumber,
      })),
  );
}

// The gateway's own API (/healthz, /admin, /v1/me) answers in its own documented shape, so it is not among them.
const RAW_PATHS = ['/openai/v1/chat/completions', '/openai/v1/responses', '/anthropic/v1/messages', '/openai/v1/models', '/anthropic/v1/models', '/zz-unknown'];

/**
 * Whole HTTP/1.1 messages as bytes, broken the ways a socket can carry them: bad request lines and versions,
 * control bytes in names and values, conflicting or lying lengths, broken chunked framing, oversized headers.
 */
export function rawRequest(token: string): fc.Arbitrary<Buffer> {
  const body = '{"model":"gpt-fuzz","messages":[{"role":"user","content":"hi"}]}';
  const valid = (path: string, headers: string, payload: string) => `POST ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\n${headers}\r\n${payload}`;
  return fc.tuple(fc.constantFrom(...RAW_PATHS), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(12)).map(([path, position, noise, kind]) => {
    switch (kind) {
      case 0:
        return Buffer.from(valid(path, `content-length: ${body.length}\r\ncontent-length: ${body.length + 5}\r\n`, body));
      case 1:
        return Buffer.from(valid(path, 'content-length: nope\r\n', body));
      case 2:
        return Buffer.from(valid(path, 'transfer-encoding: chunked\r\n', `zz\r\n${body}\r\n0\r\n\r\n`));
      case 3:
        return Buffer.from(valid(path, `transfer-encoding: chunked\r\ncontent-length: ${body.length}\r\n`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`));
      case 4:
        return Buffer.from(valid(path, `x-big: ${'a'.repeat(20_000)}\r\ncontent-length: ${body.length}\r\n`, body));
      case 5:
        return Buffer.from(`POST ${path} HTTP/9.9\r\nhost: g\r\n\r\n`);
      case 6:
        return Buffer.from(`P O S T ${path} HTTP/1.1\r\nhost: g\r\n\r\n`);
      case 7:
        return Buffer.from(valid(path, `x-bad\u0000name: v\r\ncontent-length: ${body.length}\r\n`, body), 'latin1');
      case 8:
        return Buffer.from(valid(path, `x-bad-value: a\u0001b\u007f\r\ncontent-length: ${body.length}\r\n`, body), 'latin1');
      case 9:
        return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      case 10:
        // A content-length larger than what is sent: the gateway waits, then the client half-closes.
        return Buffer.from(valid(path, `content-length: ${body.length + 100}\r\n`, body));
      case 11: {
        const message = Buffer.from(valid(path, `content-length: ${body.length}\r\n`, body));
        const at = position % message.length;
        return Buffer.concat([message.subarray(0, at), Buffer.from(noise), message.subarray(at)]);
      }
      default:
        return Buffer.from(`${valid(path, `content-length: ${body.length}\r\n`, body)}GET /healthz HTTP/1.1\r\nhost: g\r\n\r\n`);
    }
  });
}
