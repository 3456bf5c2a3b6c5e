import { frameTemplate } from './frame-template';
import { sseEvent } from './response-plan';

describe('frameTemplate', () => {
  const render = (text: unknown, sequence: unknown): string =>
    sseEvent('delta', { type: 'delta', text, meta: { sequence, fixed: 'a"b' } });

  it.each([
    ['plain', 1],
    ['quotes " and backslashes \\', 2],
    ['new\nlines\tand \u0001 controls', 3],
    ['unicode é 🚀 and a fake slot \u0000slot0\u0000', 4],
  ])('produces exactly what JSON.stringify would for %j', (text, sequence) => {
    const fill = frameTemplate(2, render);
    expect(fill(text, sequence)).toBe(render(text, sequence));
  });

  it('fills slots by position, whatever order they appear in the frame', () => {
    const fill = frameTemplate(2, (first, second) => JSON.stringify({ b: second, a: first }));
    expect(fill('x', 7)).toBe('{"b":7,"a":"x"}');
  });
});
