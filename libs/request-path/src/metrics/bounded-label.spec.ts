import { BoundedLabelValues } from './bounded-label';

describe('BoundedLabelValues', () => {
  it('keeps the first values as they are and reports every later new one as other', () => {
    const models = new BoundedLabelValues(2);
    expect(['gpt-a', 'gpt-b', 'gpt-c', 'gpt-a', 'gpt-b', 'gpt-d'].map((model) => models.valueFor(model))).toEqual([
      'gpt-a',
      'gpt-b',
      'other',
      'gpt-a',
      'gpt-b',
      'other',
    ]);
  });

  it('never keeps a value longer than its maximum, nor lets it take a place', () => {
    const models = new BoundedLabelValues(1, 8);
    expect(models.valueFor('x'.repeat(9))).toBe('other');
    expect(models.valueFor('short')).toBe('short');
  });
});
