import { sumUsage } from './usage-sum';

describe('sumUsage', () => {
  it('adds numbers at every depth and keeps the last non-number value', () => {
    expect(
      sumUsage([
        { input_tokens: 3, details: { cached: 1 }, service_tier: 'standard', server_tool_use: null },
        { input_tokens: 4, output_tokens: 2, details: { cached: 2, audio: 1 }, service_tier: 'priority' },
      ]),
    ).toEqual({ input_tokens: 7, output_tokens: 2, details: { cached: 3, audio: 1 }, service_tier: 'priority', server_tool_use: null });
  });
});
