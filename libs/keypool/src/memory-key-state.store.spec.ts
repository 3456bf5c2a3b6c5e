import { MemoryKeyStateStore } from './memory-key-state.store';

const T0 = 1_000_000;

describe('MemoryKeyStateStore marks', () => {
  let store: MemoryKeyStateStore;
  beforeEach(() => {
    store = new MemoryKeyStateStore();
  });

  it('reads unknown keys as valid', () => {
    expect(store.read('fp', T0)).toEqual({ state: 'valid' });
  });

  it('cools a key until its deadline, then reads it as valid again', () => {
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 1000 }, T0)).toEqual({ changed: true });
    expect(store.read('fp', T0 + 999)).toEqual({ state: 'cooling', reason: 'rate_limited', until: T0 + 1000 });
    expect(store.read('fp', T0 + 1000)).toEqual({ state: 'valid' });
  });

  it('never shortens a deadline; a later one extends it without counting as a change', () => {
    store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 5000 }, T0);
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 1000 }, T0)).toEqual({ changed: false });
    expect(store.read('fp', T0).until).toBe(T0 + 5000);
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 9000 }, T0)).toEqual({ changed: false });
    expect(store.read('fp', T0).until).toBe(T0 + 9000);
  });

  it('cooling never overrides disabled', () => {
    expect(store.mark('fp', { state: 'disabled', reason: 'unauthorized' }, T0)).toEqual({ changed: true });
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 1000 }, T0)).toEqual({ changed: false });
    expect(store.read('fp', T0 + 10_000_000)).toEqual({ state: 'disabled', reason: 'unauthorized' });
  });

  it('disabling a cooling key is a change; disabling a disabled key is not', () => {
    store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 1000 }, T0);
    expect(store.mark('fp', { state: 'disabled', reason: 'forbidden' }, T0)).toEqual({ changed: true });
    expect(store.mark('fp', { state: 'disabled', reason: 'unauthorized' }, T0)).toEqual({ changed: false });
    expect(store.read('fp', T0)).toEqual({ state: 'disabled', reason: 'forbidden' });
  });

  it('a mark on an expired cooldown is a real change again', () => {
    store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 1000 }, T0);
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 + 3000 }, T0 + 2000)).toEqual({ changed: true });
  });

  it('ignores a cooldown that has already elapsed', () => {
    expect(store.mark('fp', { state: 'cooling', reason: 'rate_limited', until: T0 }, T0)).toEqual({ changed: false });
    expect(store.read('fp', T0)).toEqual({ state: 'valid' });
  });

  it('enable brings a disabled key back', async () => {
    store.mark('fp', { state: 'disabled', reason: 'unauthorized' }, T0);
    await store.enable('fp');
    expect(store.read('fp', T0)).toEqual({ state: 'valid' });
  });

  it('keeps keys apart by fingerprint and reports itself as local', () => {
    store.mark('a', { state: 'disabled', reason: 'unauthorized' }, T0);
    expect(store.read('b', T0)).toEqual({ state: 'valid' });
    expect(store.health()).toEqual({ shared: false, connected: true });
  });
});
