import { inspectRequest } from './request.inspector';
import { withIncludeUsage } from './include-usage.rewriter';

function rewrite(text: string): Buffer {
  const body = Buffer.from(text);
  const inspection = inspectRequest('openai-chat', body);
  if (!inspection.ok) throw new Error(inspection.reason);
  return withIncludeUsage(body, inspection.body);
}

const PREFIX = '"stream_options":{"include_usage":true},';

describe('withIncludeUsage', () => {
  it('splices stream_options after the opening brace and changes no other byte', () => {
    const original =
      '{\n  "model": "gpt-4o",\n  "seed": 12345678901234567890,\n  "temperature": 1.0,\n  "top_p": 1e0,\n' +
      '  "stream": true,\n  "messages": [{"role": "user", "content": "h\\u00e9 🌍"}],\n  "future_field": {"x": [1, 2.50]}\n}';
    const rewritten = rewrite(original).toString('utf8');
    expect(rewritten).toBe(`{${PREFIX}${original.slice(1)}`);
    expect(JSON.parse(rewritten).stream_options).toEqual({ include_usage: true });
  });

  it('keeps leading whitespace before the brace', () => {
    expect(rewrite(' \n{"model":"m","stream":true}').toString()).toBe(` \n{${PREFIX}"model":"m","stream":true}`);
  });

  it('splices without a trailing comma into an empty object', () => {
    expect(withIncludeUsage(Buffer.from('{ }'), {}).toString()).toBe('{"stream_options":{"include_usage":true} }');
  });

  it('returns the same buffer when include_usage is already true', () => {
    const body = Buffer.from('{"model":"m","stream":true,"stream_options":{"include_usage":true}}');
    const inspection = inspectRequest('openai-chat', body);
    if (!inspection.ok) throw new Error(inspection.reason);
    expect(withIncludeUsage(body, inspection.body)).toBe(body);
  });

  it.each([
    ['include_usage false', '{"model":"m","seed":12345678901234567890,"stream_options":{"include_usage":false,"x":1.50},"stream":true}',
      '{"model":"m","seed":12345678901234567890,"stream_options":{"include_usage":true,"x":1.50},"stream":true}'],
    ['empty stream_options', '{"model":"m", "stream_options": {}, "n": 1}', '{"model":"m","stream_options":{"include_usage":true},"n":1}'],
    ['null stream_options', '{"model":"m","stream_options":null}', '{"model":"m","stream_options":{"include_usage":true}}'],
  ])('merges into existing stream_options (%s), keeping key order and number text', (_name, input, expected) => {
    expect(rewrite(input).toString()).toBe(expected);
  });
});
