import { injectTools } from './tool-injection';

const TOOL = { name: 'mcp_docs_search', description: 'Search', inputSchema: { type: 'object', properties: { query: { type: 'string' } } } };

describe('injectTools', () => {
  it('Anthropic: prepends the tools and disables parallel tool use, keeping the client tool_choice', () => {
    const body = injectTools('anthropic-messages', { model: 'm', tools: [{ name: 'mine', input_schema: {} }], tool_choice: { type: 'any' } }, [TOOL]);
    expect(body?.tools).toEqual([{ name: TOOL.name, description: 'Search', input_schema: TOOL.inputSchema }, { name: 'mine', input_schema: {} }]);
    expect(body?.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('OpenAI chat and Responses: appends function tools (strict false) and turns parallel tool calls off', () => {
    const chat = injectTools('openai-chat', { model: 'm', tools: [{ type: 'function', function: { name: 'mine' } }] }, [TOOL]);
    expect(chat?.tools).toEqual([
      { type: 'function', function: { name: 'mine' } },
      { type: 'function', function: { name: TOOL.name, description: 'Search', parameters: TOOL.inputSchema, strict: false } },
    ]);
    expect(chat?.parallel_tool_calls).toBe(false);
    const responses = injectTools('openai-responses', { model: 'm' }, [TOOL]);
    expect(responses?.tools).toEqual([{ type: 'function', name: TOOL.name, description: 'Search', parameters: TOOL.inputSchema, strict: false }]);
    expect(responses?.parallel_tool_calls).toBe(false);
  });

  it('injects nothing for tool_choice none, or when every injected name is already a client tool', () => {
    expect(injectTools('anthropic-messages', { model: 'm', tool_choice: { type: 'none' } }, [TOOL])).toBeUndefined();
    expect(injectTools('openai-chat', { model: 'm', tool_choice: 'none' }, [TOOL])).toBeUndefined();
    expect(injectTools('openai-responses', { model: 'm', tools: [{ type: 'function', name: TOOL.name }] }, [TOOL])).toBeUndefined();
  });
});
