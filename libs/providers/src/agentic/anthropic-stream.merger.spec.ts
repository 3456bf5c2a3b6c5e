import { AnthropicStreamMerger } from './anthropic-stream.merger';

const event = (data: Record<string, unknown>) => ({ event: String(data.type), data: JSON.stringify(data) });
const parse = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => JSON.parse(block.split('\n').find((line) => line.startsWith('data: '))!.slice(6)));

function iteration(merger: AnthropicStreamMerger, blocks: Array<Record<string, unknown>>, deltas: Array<Record<string, unknown>>, usage: number): string {
  let out = merger.push(event({ type: 'message_start', message: { id: 'msg', usage: { input_tokens: usage, output_tokens: 1 } } }));
  blocks.forEach((block, index) => {
    out += merger.push(event({ type: 'content_block_start', index, content_block: block }));
    out += merger.push(event({ type: 'content_block_delta', index, delta: deltas[index] }));
    out += merger.push(event({ type: 'content_block_stop', index }));
  });
  out += merger.push(event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: usage } }));
  out += merger.push(event({ type: 'message_stop' }));
  return out;
}

describe('AnthropicStreamMerger', () => {
  it('renumbers the visible blocks across iterations, hides injected tool_use, rebuilds the turn, sums usage', () => {
    const merger = new AnthropicStreamMerger((name) => name.startsWith('mcp_'));
    const first = iteration(
      merger,
      [{ type: 'thinking', thinking: '' }, { type: 'tool_use', id: 'toolu_1', name: 'mcp_docs_search', input: {} }],
      [{ type: 'thinking_delta', thinking: 'let me look' }, { type: 'input_json_delta', partial_json: '{"query":"x"}' }],
      10,
    );
    expect(parse(first).map((data) => [data.type, data.index])).toEqual([
      ['message_start', undefined],
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
    ]);
    expect(merger.nextIteration()).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'let me look' },
          { type: 'tool_use', id: 'toolu_1', name: 'mcp_docs_search', input: { query: 'x' } },
        ],
      },
    ]);
    const second = iteration(merger, [{ type: 'text', text: '' }], [{ type: 'text_delta', text: 'done' }], 20);
    expect(parse(second).map((data) => [data.type, data.index])).toEqual([
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
    ]);
    expect(parse(merger.finish())).toEqual([
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 30, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
  });
});
