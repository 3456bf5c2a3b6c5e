import { cooldownFromHeaders } from './retry-after.parser';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const opts = { defaultCooldownMs: 60_000, maxCooldownMs: 3_600_000 };

describe('cooldownFromHeaders', () => {
  it('retry-after-ms wins over Retry-After', () => {
    expect(cooldownFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '100' }, NOW, opts)).toBe(1500);
  });

  it('rounds fractional milliseconds up', () => {
    expect(cooldownFromHeaders({ 'retry-after-ms': '12.2' }, NOW, opts)).toBe(13);
  });

  it('reads integer and decimal delta-seconds', () => {
    expect(cooldownFromHeaders({ 'retry-after': '30' }, NOW, opts)).toBe(30_000);
    expect(cooldownFromHeaders({ 'retry-after': '1.5' }, NOW, opts)).toBe(1500);
  });

  it('reads a future HTTP-date', () => {
    const date = new Date(NOW + 120_000).toUTCString();
    expect(cooldownFromHeaders({ 'retry-after': date }, NOW, opts)).toBe(120_000);
  });

  it('falls back to the default for a past date', () => {
    const date = new Date(NOW - 5_000).toUTCString();
    expect(cooldownFromHeaders({ 'retry-after': date }, NOW, opts)).toBe(60_000);
  });

  it.each(['soon', '', '1e3', '0x10', '12abc'])('falls back to the default for garbage %j', (value) => {
    expect(cooldownFromHeaders({ 'retry-after': value, 'retry-after-ms': value }, NOW, opts)).toBe(60_000);
  });

  it.each(['0', '-5', '0.0'])('ignores zero and negative values (%j)', (value) => {
    expect(cooldownFromHeaders({ 'retry-after-ms': value }, NOW, opts)).toBe(60_000);
    expect(cooldownFromHeaders({ 'retry-after': value }, NOW, opts)).toBe(60_000);
    expect(cooldownFromHeaders({ 'retry-after-ms': value, 'retry-after': '7' }, NOW, opts)).toBe(7_000);
  });

  it('uses the configured default when no header is present', () => {
    expect(cooldownFromHeaders({}, NOW, { defaultCooldownMs: 42_000, maxCooldownMs: 3_600_000 })).toBe(42_000);
  });

  it('clamps to the maximum, including the default', () => {
    expect(cooldownFromHeaders({ 'retry-after': '86400' }, NOW, opts)).toBe(3_600_000);
    expect(cooldownFromHeaders({ 'retry-after-ms': '999999999' }, NOW, opts)).toBe(3_600_000);
    expect(cooldownFromHeaders({}, NOW, { defaultCooldownMs: 60_000, maxCooldownMs: 10_000 })).toBe(10_000);
  });

  it('takes the first value of a repeated header and matches names case-insensitively', () => {
    expect(cooldownFromHeaders({ 'retry-after': ['3', '9'] }, NOW, opts)).toBe(3_000);
    expect(cooldownFromHeaders({ 'Retry-After': '4' }, NOW, opts)).toBe(4_000);
  });
});
