import { levelNow, msUntilFull, msUntilLevel, neededLevel, remainingOf } from './token-bucket';

describe('token bucket arithmetic', () => {
  it('is full when never used, and refills at capacity per minute up to the capacity', () => {
    expect(levelNow(undefined, 60, 1_000)).toBe(60);
    expect(levelNow({ level: 0, at: 0 }, 60, 1_000)).toBe(1);
    expect(levelNow({ level: 0, at: 0 }, 60, 30_000)).toBe(30);
    expect(levelNow({ level: 10, at: 0 }, 60, 600_000)).toBe(60);
  });

  it('refills a negative level (tokens used beyond the reservation) the same way', () => {
    expect(levelNow({ level: -600, at: 0 }, 600, 30_000)).toBe(-300);
  });

  it('ignores a clock that went backwards', () => {
    expect(levelNow({ level: 5, at: 10_000 }, 60, 9_000)).toBe(5);
  });

  it('needs the cost, capped at the capacity, and at least one', () => {
    expect(neededLevel(500, 1000)).toBe(500);
    expect(neededLevel(5000, 1000)).toBe(1000);
    expect(neededLevel(0, 1000)).toBe(1);
  });

  it('says how long until a level or a full bucket, rounded up to the millisecond', () => {
    expect(msUntilLevel(0.5, 1, 60)).toBe(500);
    expect(msUntilLevel(2, 1, 60)).toBe(0);
    expect(msUntilLevel(0, 1, 7)).toBe(8572);
    expect(msUntilFull(-300, 600)).toBe(90_000);
    expect(msUntilFull(600, 600)).toBe(0);
  });

  it('shows whole remaining units, never negative', () => {
    expect(remainingOf(3.9)).toBe(3);
    expect(remainingOf(-12)).toBe(0);
  });
});
