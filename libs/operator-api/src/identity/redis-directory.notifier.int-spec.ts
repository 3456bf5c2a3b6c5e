import { createTestRedisPrefix, testRedisUrl, type TestRedisPrefix } from '@tollgate/testing';
import { RedisDirectoryNotifier } from './redis-directory.notifier';

/** A notifier subscribed with a counter of what it heard, and a way to wait for the next announcement. */
async function listening(notifier: RedisDirectoryNotifier) {
  const state = { heard: 0, next: () => new Promise<void>((resolve) => waiting.push(resolve)) };
  const waiting: (() => void)[] = [];
  await notifier.subscribe(() => {
    state.heard++;
    for (const resolve of waiting.splice(0)) resolve();
  });
  return state;
}

describe('RedisDirectoryNotifier (real Redis)', () => {
  let prefix: TestRedisPrefix;
  const notifiers: RedisDirectoryNotifier[] = [];
  const notifier = (keyPrefix = `${prefix.prefix}:`) => {
    const created = new RedisDirectoryNotifier({ redis: testRedisUrl(), keyPrefix });
    notifiers.push(created);
    return created;
  };

  beforeEach(() => {
    prefix = createTestRedisPrefix();
  });

  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((created) => created.close()));
    await prefix.cleanup();
  });

  it('tells every other replica, not the one that announced, and nothing to another prefix', async () => {
    const a = notifier();
    const b = notifier();
    const [heardA, heardB, heardElsewhere] = await Promise.all([listening(a), listening(b), listening(notifier(`${prefix.prefix}-other:`))]);

    const bHearsA = heardB.next();
    a.publish();
    await bHearsA;
    // a's own announcement reached a's connection before b's next one does: a has heard only b's when that arrives.
    const aHearsB = heardA.next();
    b.publish();
    await aHearsB;
    expect(heardA.heard).toBe(1);
    expect(heardB.heard).toBe(1);
    expect(heardElsewhere.heard).toBe(0);
  });
});
