import { DEFAULT_PRICES, DEFAULT_PRICES_DATE } from './default-prices';
import { createPriceTable, PriceTable, type ModelPrice } from './price-table';
import { microsToUsd, usageTotals, utcMonthOf } from './usage.store';

const price = (provider: string, model: string, input: number, output = 0, cacheRead = 0, cacheWrite = 0): ModelPrice => ({
  provider,
  model,
  input,
  output,
  cacheRead,
  cacheWrite,
});
const tokens = (inputTokens: number, outputTokens = 0, cacheReadInputTokens = 0, cacheWriteInputTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadInputTokens,
  cacheWriteInputTokens,
});

describe('PriceTable', () => {
  describe('matching', () => {
    const table = new PriceTable(
      [
        price('*', 'gpt-4o*', 1),
        price('*', 'gpt-4o-mini*', 2),
        price('*', 'gpt-4o-mini', 3),
        price('azure', 'gpt-4o*', 4),
        price('*', 'claude-*-haiku*', 5),
        price('*', 'o1.preview', 6),
      ],
      'test',
    );
    const inputPriceOf = (provider: string, model: string) => table.find(provider, model)?.input;

    it('prefers the longer literal prefix, then an exact model over a glob', () => {
      expect(inputPriceOf('openai', 'gpt-4o')).toBe(1);
      expect(inputPriceOf('openai', 'gpt-4o-2024-08-06')).toBe(1);
      expect(inputPriceOf('openai', 'gpt-4o-mini-2024-07-18')).toBe(2);
      expect(inputPriceOf('openai', 'gpt-4o-mini')).toBe(3);
    });

    it('prefers an entry naming the provider instance over any `*` entry', () => {
      expect(inputPriceOf('azure', 'gpt-4o-mini')).toBe(4);
      expect(inputPriceOf('azure-east', 'gpt-4o-mini')).toBe(3);
    });

    it('matches `*` anywhere in a pattern, and everything else literally', () => {
      expect(inputPriceOf('anthropic', 'claude-3-5-haiku-20241022')).toBe(5);
      expect(inputPriceOf('openai', 'o1.preview')).toBe(6);
      expect(inputPriceOf('openai', 'o1-preview')).toBeUndefined();
      expect(inputPriceOf('openai', 'gpt-4')).toBeUndefined();
      expect(inputPriceOf('openai', 'GPT-4o')).toBeUndefined();
    });

    it('lets the later of two equally specific entries win', () => {
      const overridden = new PriceTable([price('*', 'm*', 1), price('*', 'm*', 2)], 'test');
      expect(overridden.find('p', 'model')?.input).toBe(2);
    });
  });

  describe('cost', () => {
    it('multiplies each counter by its own price and rounds each product half up to a micro-dollar', () => {
      const table = new PriceTable([price('*', 'm', 0.15, 0.6, 0.075, 3.75)], 'test');
      // 10 × 0.15 = 1.5 → 2; 7 × 0.6 = 4.2 → 4; 2 × 0.075 = 0.15 → 0; 4 × 3.75 = 15
      expect(table.cost('p', 'm', tokens(10, 7, 2, 4))).toEqual({ costMicros: 21, priced: true });
      // 1 × 0.5 = 0.5 → 1 (half up), 3 × 0.1 = 0.3 → 0 (exact arithmetic, not 0.30000000000000004)
      expect(new PriceTable([price('*', 'm', 0.5, 0.1)], 't').cost('p', 'm', tokens(1, 3))).toEqual({ costMicros: 1, priced: true });
    });

    it('prices large counts exactly', () => {
      const table = new PriceTable([price('*', 'claude-opus-4*', 15, 75, 1.5, 18.75)], 'test');
      // $15 × 2M + $75 × 1M + $1.5 × 10M + $18.75 × 0.4M = 30 + 75 + 15 + 7.5 = $127.50
      expect(table.cost('anthropic', 'claude-opus-4-1', tokens(2_000_000, 1_000_000, 10_000_000, 400_000))).toEqual({
        costMicros: 127_500_000,
        priced: true,
      });
      expect(table.cost('anthropic', 'claude-opus-4-1', tokens(9_007_199_254, 0))).toEqual({ costMicros: 135_107_988_810, priced: true });
    });

    it('costs 0, flagged unpriced, for a model no entry matches', () => {
      const table = createPriceTable();
      expect(table.cost('openai', 'my-finetune', tokens(1_000, 1_000, 1_000, 1_000))).toEqual({ costMicros: 0, priced: false });
    });

    it('prices the mock upstream’s usage with the default table', () => {
      const table = createPriceTable();
      // OpenAI chat, gpt-4o-mini: 10 × 0.15 = 1.5 → 2; 7 × 0.6 = 4.2 → 4; 2 × 0.075 = 0.15 → 0
      expect(table.cost('openai', 'gpt-4o-mini', tokens(10, 7, 2))).toEqual({ costMicros: 6, priced: true });
      // Responses, gpt-4.1: 12 × 2 = 24; 9 × 8 = 72; 3 × 0.5 = 1.5 → 2
      expect(table.cost('openai', 'gpt-4.1', tokens(12, 9, 3))).toEqual({ costMicros: 98, priced: true });
      // Anthropic, claude-sonnet-4-5: 20 × 3 = 60; 11 × 15 = 165; 5 × 0.3 = 1.5 → 2; 4 × 3.75 = 15
      expect(table.cost('anthropic', 'claude-sonnet-4-5', tokens(20, 11, 5, 4))).toEqual({ costMicros: 242, priced: true });
      // Gemini, gemini-2.5-flash (10 uncached + 4 cached in, 8 + 5 thinking out): 10 × 0.3 = 3; 13 × 2.5 = 32.5 → 33; 4 × 0.03 = 0.12 → 0
      expect(table.cost('gemini', 'gemini-2.5-flash', tokens(10, 13, 4))).toEqual({ costMicros: 36, priced: true });
    });

    it('prices each Gemini model by its own row (flash-lite is not flash)', () => {
      const table = createPriceTable();
      expect(table.find('gemini', 'gemini-2.5-flash-lite')?.input).toBe(0.1);
      expect(table.find('gemini', 'gemini-2.5-flash-preview-09-2025')?.input).toBe(0.3);
      expect(table.find('gemini', 'gemini-2.5-pro')?.output).toBe(10);
      expect(table.find('gemini', 'gemini-3-pro-preview')?.output).toBe(12);
      expect(table.find('gemini', 'gemini-embedding-001')).toMatchObject({ input: 0.15, output: 0 });
    });

    it('prices Claude models sent to Bedrock by their Bedrock ids like the same models by name', () => {
      const table = createPriceTable();
      const bedrockIds: Array<[string, string]> = [
        ['us.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5-20251101'],
        ['anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1-20250805'],
        ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
        ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001'],
        ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku-20241022'],
      ];
      for (const [bedrockId, name] of bedrockIds) {
        expect(table.cost('claude', bedrockId, tokens(1_000_000, 1_000_000, 1_000_000, 1_000_000))).toEqual(table.cost('claude', name, tokens(1_000_000, 1_000_000, 1_000_000, 1_000_000)));
      }
      expect(table.cost('claude', 'us.anthropic.claude-opus-4-5-20251101-v1:0', tokens(1_000_000, 0))).toEqual({ costMicros: 5_000_000, priced: true });
    });
  });

  describe('createPriceTable', () => {
    it('starts from the dated defaults', () => {
      const table = createPriceTable();
      expect(table.version).toBe(`default-${DEFAULT_PRICES_DATE}`);
      expect(table.entries).toEqual(DEFAULT_PRICES);
      expect(DEFAULT_PRICES_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('lets configured entries override the defaults, with cache prices defaulting to the input price', () => {
      const table = createPriceTable({ useDefaults: true, entries: [{ model: 'gpt-4o-mini*', input: 1, output: 2 }] });
      expect(table.find('openai', 'gpt-4o-mini')).toEqual({ provider: '*', model: 'gpt-4o-mini*', input: 1, output: 2, cacheRead: 1, cacheWrite: 1 });
      expect(table.find('openai', 'gpt-4o')?.input).toBe(2.5);
      expect(table.version).toMatch(new RegExp(`^default-${DEFAULT_PRICES_DATE}\\+[0-9a-f]{12}$`));
    });

    it('can drop the defaults, and versions differ when prices do', () => {
      const custom = createPriceTable({ useDefaults: false, entries: [{ provider: 'openai', model: '*', input: 1, output: 1 }] });
      expect(custom.find('openai', 'gpt-4o')?.input).toBe(1);
      expect(custom.find('anthropic', 'claude-sonnet-4-5')).toBeUndefined();
      expect(custom.version).toMatch(/^custom-[0-9a-f]{12}$/);
      const other = createPriceTable({ useDefaults: false, entries: [{ provider: 'openai', model: '*', input: 1, output: 2 }] });
      expect(other.version).not.toBe(custom.version);
      expect(createPriceTable({ useDefaults: false, entries: [] }).version).toBe('custom-empty');
    });

    it('refuses a negative price', () => {
      expect(() => createPriceTable({ useDefaults: false, entries: [{ model: 'm', input: -1, output: 0 }] })).toThrow(RangeError);
    });
  });
});

describe('usage helpers', () => {
  it('sums rows and converts micro-dollars', () => {
    const row = { key: 'a', interceptions: 2, inputTokens: 3, outputTokens: 4, cacheReadTokens: 5, cacheWriteTokens: 6, costMicros: 1_500_000 };
    expect(usageTotals([row, { ...row, key: 'b' }])).toEqual({
      interceptions: 4,
      inputTokens: 6,
      outputTokens: 8,
      cacheReadTokens: 10,
      cacheWriteTokens: 12,
      costMicros: 3_000_000,
    });
    expect(microsToUsd(1_234_567)).toBe(1.234567);
  });

  it('finds the UTC calendar month', () => {
    expect(utcMonthOf(new Date('2026-12-31T23:59:59.999Z'))).toEqual({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
  });
});
