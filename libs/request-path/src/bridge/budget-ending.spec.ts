import { budgetEndingOf } from './budget-ending';
import { withError, type Outcome } from './interception-outcome';

const USAGE = { providerResponseId: 'resp-1', extra: {}, inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
const served: Outcome = { tokenUsages: [USAGE], toolUsages: [] };

describe('budgetEndingOf', () => {
  it('a success with its usage is complete', () => {
    expect(budgetEndingOf(served, true)).toBe('complete');
  });

  it('a success without usage, or broken after it began, is cut short (charged at least the estimate)', () => {
    expect(budgetEndingOf({ tokenUsages: [], toolUsages: [] }, true)).toBe('cut_short');
    expect(budgetEndingOf({ ...served, error: { type: 'upstream_stream_error', message: 'cut' } }, true)).toBe('cut_short');
    expect(budgetEndingOf({ ...served, tokenUsages: [], error: { type: 'timeout', message: 'stalled' } }, true)).toBe('cut_short');
  });

  it('a client that left is cut short, whether or not its answer had begun', () => {
    expect(budgetEndingOf(withError('client_disconnected', 'gone'), true)).toBe('cut_short');
    expect(budgetEndingOf(withError('client_disconnected', 'gone'), false)).toBe('cut_short');
  });

  it('an answer that was not a success (upstream error, no key, unreachable) was not served', () => {
    expect(budgetEndingOf(withError('upstream_error', 'upstream answered 400'), false)).toBe('not_served');
    expect(budgetEndingOf(withError('all_keys_failed', 'no key'), false)).toBe('not_served');
  });
});
