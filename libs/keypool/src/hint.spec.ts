import { hint } from './hint';

describe('hint', () => {
  it.each([
    ['sk-ant-api03-abcdefgh', 'sk-a...efgh'],
    ['k0-long-key', 'k0...ey'],
    ['short', 's...t'],
    ['abcd', '...'],
    ['hélloworld🌍!', 'hé...🌍!'],
    ['', ''],
  ])('%j → %j (spec examples)', (secret, expected) => {
    expect(hint(secret)).toBe(expected);
  });

  it.each([
    [1, '...'],
    [4, '...'],
    [5, 'a...e'],
    [9, 'a...i'],
    [10, 'ab...ij'],
    [19, 'ab...rs'],
    [20, 'abcd...qrst'],
    [26, 'abcd...wxyz'],
  ])('length %d → %j (thresholds)', (length, expected) => {
    expect(hint('abcdefghijklmnopqrstuvwxyz'.slice(0, length))).toBe(expected);
  });

  it('counts code points, not UTF-16 units: 20 emoji show 4 at each end', () => {
    const emoji = Array.from({ length: 20 }, (_, index) => String.fromCodePoint(0x1f600 + index)).join('');
    expect(emoji.length).toBe(40);
    expect(hint(emoji)).toBe(`😀😁😂😃...${String.fromCodePoint(0x1f610, 0x1f611, 0x1f612, 0x1f613)}`);
  });

  it('never contains the middle of the secret', () => {
    const secret = 'sk-proj-THE-SECRET-MIDDLE-part-1234';
    expect(hint(secret)).not.toContain('SECRET');
  });
});
