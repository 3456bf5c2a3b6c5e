import fc from 'fast-check';
import { inspectRequest } from './request.inspector';
import type { BridgedApi } from '../provider-type';

// Property-based tests (docs/fuzzing.md). fast-check prints the seed and path of any counterexample.
const RUNS = { numRuns: 300 };

const REASONS = ['request body is not valid JSON', 'request body must be a JSON object', 'request body must have a "model" string'];
const bridgedApi = fc.constantFrom<BridgedApi>('openai-chat', 'openai-responses', 'anthropic-messages');

/** Entries of `tools` that name nothing: the inspector must skip them, not fail on them. */
const namelessTool = fc.oneof(
  fc.constantFrom(null, 42, 'get_weather', true),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.record({ function: fc.constantFrom(null, 7, 'x') }),
  fc.record({ type: fc.constantFrom(3, null, false) }),
);

/** A tool in one of the shapes the three APIs use, with the name it must be listed under. */
const namedTool = fc.string().chain((name) =>
  fc
    .constantFrom(
      { type: 'function', function: { name, parameters: { type: 'object' } } },
      { type: 'custom', custom: { name } },
      { name, input_schema: { type: 'object' } },
      { type: name },
    )
    .map((tool) => ({ tool: tool as unknown, name })),
);

const userPrompt = fc.string();
const otherTurn = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'assistant', 'tool', 'developer'), content: fc.string() }),
  fc.record({ role: fc.constant('user'), content: fc.constant([{ type: 'tool_result', tool_use_id: 't', content: 'r' }]) }),
  fc.constantFrom(null, 3, 'user'),
);

describe('inspectRequest properties', () => {
  it('never throws on arbitrary bytes and refuses with a fixed reason that echoes nothing of the body', () => {
    fc.assert(
      fc.property(bridgedApi, fc.oneof(fc.uint8Array({ maxLength: 256 }), fc.json().map((text) => Buffer.from(text))), (api, body) => {
        const inspection = inspectRequest(api, Buffer.from(body));
        if (!inspection.ok) expect(REASONS).toContain(inspection.reason);
      }),
      RUNS,
    );
  });

  it('accepts exactly the JSON objects with a non-empty string model, and reads stream only as literal true', () => {
    fc.assert(
      fc.property(bridgedApi, fc.jsonValue(), fc.anything(), (api, value, stream) => {
        const body = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, stream } : value;
        const inspection = inspectRequest(api, Buffer.from(JSON.stringify(body) ?? ''));
        const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
        const model = isObject ? (body as Record<string, unknown>).model : undefined;
        expect(inspection.ok).toBe(typeof model === 'string' && model !== '');
        if (inspection.ok) expect(inspection.stream).toBe(JSON.parse(JSON.stringify(body)).stream === true);
      }),
      RUNS,
    );
  });

  it('reads back the model, the tool names in order and the last user prompt, however the JSON is laid out', () => {
    fc.assert(
      fc.property(
        bridgedApi,
        fc.string({ minLength: 1 }),
        fc.boolean(),
        fc.array(fc.oneof(namedTool, namelessTool.map((tool) => ({ tool, name: undefined }))), { maxLength: 6 }),
        userPrompt,
        fc.array(otherTurn, { maxLength: 4 }),
        fc.constantFrom(0, 2, '\t'),
        (api, model, stream, tools, prompt, laterTurns, indent) => {
          const turns = [{ role: 'user', content: prompt }, ...laterTurns];
          const body = {
            model,
            stream,
            tools: tools.map(({ tool }) => tool),
            ...(api === 'openai-responses' ? { input: turns } : { messages: turns }),
          };
          const inspection = inspectRequest(api, Buffer.from(JSON.stringify(body, null, indent)));
          expect(inspection).toMatchObject({
            ok: true,
            model,
            stream,
            tools: tools.flatMap(({ name }) => (name === undefined ? [] : [name])),
            lastUserPrompt: prompt,
          });
        },
      ),
      RUNS,
    );
  });

  it('survives hostile nesting and size without throwing', () => {
    fc.assert(
      fc.property(bridgedApi, fc.integer({ min: 1_000, max: 50_000 }), fc.constantFrom('[', '{"a":'), (api, depth, opener) => {
        const closer = opener === '[' ? ']' : '}';
        const nested = `${opener.repeat(depth)}1${closer.repeat(depth)}`;
        const inspection = inspectRequest(api, Buffer.from(`{"model":"m","messages":${nested},"input":${nested},"tools":${nested}}`));
        expect(inspection).toMatchObject({ ok: true, model: 'm', tools: [] });
      }),
      { numRuns: 10 },
    );
  });
});
