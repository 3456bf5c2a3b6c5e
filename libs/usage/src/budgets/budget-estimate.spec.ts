import { createPriceTable } from '../price-table';
import { estimateRequestCost, estimateRequestTokens, requestedMaxOutputTokens } from './budget-estimate';

const prices = createPriceTable({ useDefaults: false, entries: [{ model: 'm-*', input: 2, output: 10 }] });
const settings = { defaultMaxOutputTokens: 4096, charsPerToken: 4 };

describe('requestedMaxOutputTokens', () => {
  it.each([
    [{ max_tokens: 100 }, 100],
    [{ max_completion_tokens: 200 }, 200],
    [{ max_output_tokens: 300 }, 300],
    [{ max_tokens: 12.2 }, 13],
    [{ max_tokens: 'many' }, undefined],
    [{ max_tokens: -1 }, undefined],
    [{ generationConfig: { maxOutputTokens: 400 } }, 400],
    [{ generationConfig: { maxOutputTokens: 'lots' } }, undefined],
    [{ generationConfig: null }, undefined],
    [{}, undefined],
    [null, undefined],
  ])('%j → %s', (body, expected) => {
    expect(requestedMaxOutputTokens(body)).toBe(expected);
  });
});

describe('estimateRequestCost', () => {
  it('prices body bytes / charsPerToken as input and the requested limit as output', () => {
    // 4,000 bytes → 1,000 input tokens × $2/M = 2,000 µ$; 500 output × $10/M = 5,000 µ$.
    expect(estimateRequestCost(prices, 'openai', 'm-1', { bodyBytes: 4000, body: { max_tokens: 500 } }, settings)).toEqual({
      inputTokens: 1000,
      outputTokens: 500,
      costMicros: 7000,
      priced: true,
    });
  });

  it('uses defaultMaxOutputTokens without a limit in the request', () => {
    const estimate = estimateRequestCost(prices, 'openai', 'm-1', { bodyBytes: 1, body: {} }, settings);
    expect(estimate.outputTokens).toBe(4096);
    expect(estimate.inputTokens).toBe(1);
    expect(estimate.costMicros).toBe(40_960 + 2); // 4,096 × $10/M + 1 × $2/M
  });

  it('reserves no output for an input-only request (embeddings), whatever the body says', () => {
    const estimate = estimateRequestCost(prices, 'openai', 'm-1', { bodyBytes: 4000, body: { max_tokens: 500 }, inputOnly: true }, settings);
    expect(estimate).toEqual({ inputTokens: 1000, outputTokens: 0, costMicros: 2000, priced: true });
    expect(estimateRequestTokens({ bodyBytes: 8, body: {}, inputOnly: true }, settings)).toEqual({ inputTokens: 2, outputTokens: 0 });
  });

  it('estimates 0 for a model without a price, flagged', () => {
    expect(estimateRequestCost(prices, 'openai', 'unknown', { bodyBytes: 4000, body: {} }, settings)).toMatchObject({ costMicros: 0, priced: false });
  });
});
