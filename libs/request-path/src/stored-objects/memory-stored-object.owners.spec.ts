import { FakeClock } from '@tollgate/testing';
import { MemoryStoredObjectOwners } from './memory-stored-object.owners';

const HOUR = 3_600_000;

describe('MemoryStoredObjectOwners', () => {
  let clock: FakeClock;
  let owners: MemoryStoredObjectOwners;

  beforeEach(() => {
    clock = new FakeClock(0);
    owners = new MemoryStoredObjectOwners(24 * HOUR, clock);
  });

  it('answers the recorded creator, per provider and kind', async () => {
    await owners.record('openai', 'response', 'resp_1', 'alice');
    await owners.record('openai', 'conversation', 'conv_1', 'bob');
    expect(await owners.ownerOf('openai', 'response', 'resp_1')).toBe('alice');
    expect(await owners.ownerOf('openai', 'conversation', 'conv_1')).toBe('bob');
    expect(await owners.ownerOf('openai', 'conversation', 'resp_1')).toBeUndefined();
    expect(await owners.ownerOf('other-openai', 'response', 'resp_1')).toBeUndefined();
    expect(await owners.ownerOf('openai', 'response', 'resp_unknown')).toBeUndefined();
  });

  it('forgets an owner the TTL after its last use, and every use restarts the TTL', async () => {
    await owners.record('openai', 'response', 'resp_1', 'alice');
    clock.set(23 * HOUR);
    expect(await owners.ownerOf('openai', 'response', 'resp_1')).toBe('alice');
    clock.set(46 * HOUR);
    expect(await owners.ownerOf('openai', 'response', 'resp_1')).toBe('alice');
    clock.set(70 * HOUR + 1);
    expect(await owners.ownerOf('openai', 'response', 'resp_1')).toBeUndefined();
  });
});
