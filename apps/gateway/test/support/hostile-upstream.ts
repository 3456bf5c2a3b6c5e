import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the hostile upstream does with a request, named by the fuzzed client in `x-fuzz-behaviour` (the gateway
 * forwards unknown headers), so a failing case reproduces from its seed alone.
 */
export const HOSTILE_BEHAVIOURS = [
  'json-ok',
  'json-malformed',
  'json-wrong-types',
  'json-huge',
  'json-truncated',
  'sse-ok',
  'sse-garbage',
  'sse-huge-line',
  'sse-truncated',
  'sse-error-event',
  'sse-stall',
  'sse-pause-mid-event',
  'error-status',
  'no-content',
  'reset',
  'broken-http',
  'wrong-content-type',
  'gzip-lie',
] as const;
export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

export const BEHAVIOUR_HEADER = 'x-fuzz-behaviour';
/** A number the garbage is derived from, so the same case sends the same bytes. */
export const CASE_HEADER = 'x-fuzz-case';
/** Set on every answer the hostile upstream writes itself: a client response carrying it was relayed. */
export const RELAYED_MARK_HEADER = 'x-hostile-upstream';

export interface HostileUpstream {
  url: string;
  /** Requests received so far. */
  received(): number;
  close(): Promise<void>;
}

/** How long `sse-pause-mid-event` stays silent: several of the fuzzed gateway's ping intervals. */
export const PAUSE_MS = 400;

const ERROR_STATUSES = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 529];
const RETRY_AFTER_VALUES = ['1', '0', '-5', 'soon', '1e400', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999', ' 2 '];

/** An upstream that answers every way a real one should not: malformed, truncated, huge, stalled, lying. */
export async function startHostileUpstream(): Promise<HostileUpstream> {
  let received = 0;
  const server: Server = createServer((request, response) => {
    received++;
    const behaviour = (request.headers[BEHAVIOUR_HEADER] as HostileBehaviour | undefined) ?? 'json-ok';
    const caseNumber = Number(request.headers[CASE_HEADER] ?? 0) || 0;
    if (behaviour === 'reset') {
      request.socket.destroy();
      return;
    }
    request.resume();
    request.once('end', () => answer(behaviour, caseNumber, request, response));
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

function answer(behaviour: HostileBehaviour, caseNumber: number, request: IncomingMessage, response: ServerResponse): void {
  const anthropic = (request.url ?? '').startsWith('/anthropic');
  const mark = { [RELAYED_MARK_HEADER]: behaviour };
  const json = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...mark, ...headers });
    response.end(body);
  };
  const sse = (headers: Record<string, string> = {}) => response.writeHead(200, { 'content-type': 'text/event-stream', ...mark, ...headers });

  switch (behaviour) {
    case 'json-ok':
      return json(200, anthropic ? ANTHROPIC_MESSAGE : CHAT_COMPLETION);
    case 'json-malformed':
      return json(200, ['{"id":"x","choices":[', '{"type":"message",', 'null', '[]', '"text"', '{"usage":{"prompt_tokens":1,}}'][caseNumber % 6]);
    case 'json-wrong-types':
      return json(200, WRONG_TYPES[caseNumber % WRONG_TYPES.length]);
    case 'json-huge':
      return json(200, JSON.stringify({ id: 'huge', choices: [{ message: { role: 'assistant', content: 'x'.repeat(3 * 1024 * 1024) } }] }));
    case 'json-truncated':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000', ...mark });
      response.write(CHAT_COMPLETION.slice(0, 40));
      setTimeout(() => response.socket?.destroy(), 5);
      return;
    case 'sse-ok':
      sse();
      return void response.end(anthropic ? ANTHROPIC_STREAM : CHAT_STREAM);
    case 'sse-garbage':
      sse();
      return void response.end(sseGarbage(caseNumber));
    case 'sse-huge-line':
      sse();
      return void response.end(`data: {"choices":[{"delta":{"content":"${'y'.repeat(2 * 1024 * 1024)}`);
    case 'sse-truncated': {
      sse();
      const stream = anthropic ? ANTHROPIC_STREAM : CHAT_STREAM;
      response.write(stream.slice(0, (caseNumber % (stream.length - 1)) + 1));
      setTimeout(() => response.socket?.destroy(), 5);
      return;
    }
    case 'sse-error-event':
      sse();
      response.write(anthropic ? ANTHROPIC_STREAM.split('\n\n')[0] + '\n\n' : CHAT_STREAM.split('\n\n')[0] + '\n\n');
      return void response.end(
        anthropic
          ? 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
          : 'data: {"error":{"message":"boom","type":"server_error","code":null}}\n\n',
      );
    case 'sse-stall':
      sse();
      response.write(anthropic ? ANTHROPIC_STREAM.split('\n\n')[0] + '\n\n' : CHAT_STREAM.split('\n\n')[0] + '\n\n');
      return; // never ends: the gateway's idle timeout must
    case 'sse-pause-mid-event': {
      // Silent in the middle of an event for longer than the gateway's ping interval, then finishes cleanly.
      sse();
      const stream = anthropic ? ANTHROPIC_STREAM : CHAT_STREAM;
      const middle = stream.indexOf('"text') > 0 ? stream.indexOf('"text') : Math.floor(stream.length / 2);
      response.write(stream.slice(0, middle));
      setTimeout(() => response.end(stream.slice(middle)), PAUSE_MS);
      return;
    }
    case 'error-status': {
      const status = ERROR_STATUSES[caseNumber % ERROR_STATUSES.length];
      const bodies = ['', '<html><body>502 Bad Gateway</body></html>', '{"error":{"message":"nope","type":"x"}}', '{"type":"error","error":{"type":"x","message":"nope"}}', 'not json at all', '{"error":'];
      response.writeHead(status, {
        'content-type': caseNumber % 3 === 0 ? 'text/html' : 'application/json',
        'retry-after': RETRY_AFTER_VALUES[caseNumber % RETRY_AFTER_VALUES.length],
        ...mark,
      });
      return void response.end(bodies[caseNumber % bodies.length]);
    }
    case 'no-content':
      response.writeHead(204, mark);
      return void response.end();
    case 'broken-http':
      request.socket.end('HTTP/1.1 200 OK\r\nContent-Length: nope\r\nContent-Type: application/json\r\n\r\n{}');
      return;
    case 'wrong-content-type':
      return caseNumber % 2 === 0 ? json(200, CHAT_STREAM) : (sse(), void response.end(anthropic ? ANTHROPIC_MESSAGE : CHAT_COMPLETION));
    case 'gzip-lie':
      return json(200, anthropic ? ANTHROPIC_MESSAGE : CHAT_COMPLETION, { 'content-encoding': 'gzip' });
  }
}

const CHAT_COMPLETION = JSON.stringify({
  id: 'chatcmpl-hostile',
  object: 'chat.completion',
  model: 'gpt-fuzz',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

const ANTHROPIC_MESSAGE = JSON.stringify({
  id: 'msg_hostile',
  type: 'message',
  role: 'assistant',
  model: 'claude-fuzz',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 3, output_tokens: 1 },
});

const CHAT_STREAM =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"o"}}]}\n\n' +
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"k"},"finish_reason":"stop"}]}\n\n' +
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n' +
  'data: [DONE]\n\n';

const ANTHROPIC_STREAM =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_h","type":"message","role":"assistant","model":"claude-fuzz","content":[],"usage":{"input_tokens":3,"output_tokens":0}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

const WRONG_TYPES = [
  '{"choices":null,"usage":{"prompt_tokens":"many","completion_tokens":-1e308,"total_tokens":{}}}',
  '{"type":"message","content":"not a list","usage":null}',
  '{"type":"message","content":[{"type":"tool_use","name":42,"input":"x"}],"usage":{"input_tokens":1e400,"output_tokens":-3}}',
  '{"object":"response","output":{"not":"a list"},"usage":{"input_tokens":[1],"output_tokens":null}}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"usage":{"prompt_tokens":1}}',
];

/** Lines a broken upstream might send, bytes chosen from the case number. */
function sseGarbage(caseNumber: number): Buffer {
  const pieces = [
    'data: {not json\n\n',
    'data: {"choices":[{"delta":{"tool_calls":[{"index":"x","function":{"arguments":7}}]}}]}\n\n',
    'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":"lots"}}\n\n',
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":99,"delta":{"type":"input_json_delta","partial_json":"{"}}\n\n',
    'data: {"type":"response.completed","response":{"usage":null}}\n\n',
    ':comment only\r\r\r',
    'data: \uFFFF\u0000\n\n',
    'retry: -1\nid: \u0000\n\n',
    'data: [DONE]\n\ndata: after done\n\n',
    'event: error\n',
  ];
  const chosen: Buffer[] = [];
  let state = caseNumber >>> 0;
  for (let i = 0; i < 12; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    chosen.push(Buffer.from(pieces[state % pieces.length]));
    if (state % 7 === 0) chosen.push(Buffer.from([0xff, 0xfe, 0xc3]));
  }
  return Buffer.concat(chosen);
}
