import { randomUUID } from 'node:crypto';
import { buildEndedEvent, buildStartedEvent } from '@tollgate/testing';
import { consumedQueueNames, interceptionShard, recordingQueueNames, splitBatchByShard } from './recording-shards';

describe('recording queue shards', () => {
  it('hashes with 32-bit FNV-1a (the published test vectors)', () => {
    const modulus = 2 ** 32; // no reduction: the shard is the hash itself
    expect(interceptionShard('', modulus)).toBe(0x811c9dc5);
    expect(interceptionShard('a', modulus)).toBe(0xe40c292c);
    expect(interceptionShard('foobar', modulus)).toBe(0xbf9cf968);
  });

  it('puts every interception on shard 0 of one shard, and spreads ids evenly over several', () => {
    const ids = Array.from({ length: 6_000 }, () => randomUUID());
    expect(new Set(ids.map((id) => interceptionShard(id, 1)))).toEqual(new Set([0]));
    const counts = [0, 0, 0];
    for (const id of ids) counts[interceptionShard(id, 3)] += 1;
    for (const count of counts) expect(Math.abs(count - 2_000)).toBeLessThan(200);
  });

  it('keeps the queue name of before with one shard off a cluster, and hash-tags every shard otherwise', () => {
    expect(recordingQueueNames({ queueName: 'tollgate-interceptions', shards: 1, onCluster: false })).toEqual(['tollgate-interceptions']);
    expect(recordingQueueNames({ queueName: 'tollgate-interceptions', shards: 3, onCluster: false })).toEqual([
      '{tollgate-interceptions-0}',
      '{tollgate-interceptions-1}',
      '{tollgate-interceptions-2}',
    ]);
    expect(recordingQueueNames({ queueName: 'q', shards: 1, onCluster: true })).toEqual(['{q-0}']);
  });

  it('consumes the queues of the shard count being drained as well, each once', () => {
    expect(consumedQueueNames({ queueName: 'q', shards: 4, onCluster: false }, 1)).toEqual(['{q-0}', '{q-1}', '{q-2}', '{q-3}', 'q']);
    expect(consumedQueueNames({ queueName: 'q', shards: 2, onCluster: false }, 3)).toEqual(['{q-0}', '{q-1}', '{q-2}']);
    expect(consumedQueueNames({ queueName: 'q', shards: 2, onCluster: false }, undefined)).toEqual(['{q-0}', '{q-1}']);
  });

  it('leaves a batch whole with one shard', () => {
    const started = buildStartedEvent();
    const batch = { batchId: randomUUID(), events: [started, buildEndedEvent(started)] };
    expect(splitBatchByShard(batch, 1)).toEqual([{ shard: 0, batch }]);
  });

  it('splits a batch per shard: both events of an interception together, order kept within a shard, ids derived', () => {
    const startedEvents = Array.from({ length: 40 }, () => buildStartedEvent({ interceptionId: randomUUID() }));
    const events = [...startedEvents, ...startedEvents.map((started) => buildEndedEvent(started))];
    const parts = splitBatchByShard({ batchId: 'b', events }, 4);

    expect(parts.map((part) => part.shard)).toEqual([0, 1, 2, 3]);
    expect(parts.map((part) => part.batch.batchId)).toEqual(['b-0', 'b-1', 'b-2', 'b-3']);
    expect(parts.flatMap((part) => part.batch.events)).toHaveLength(events.length);
    for (const { shard, batch } of parts) {
      for (const event of batch.events) expect(interceptionShard(event.interceptionId, 4)).toBe(shard);
      expect(batch.events).toEqual(events.filter((event) => interceptionShard(event.interceptionId, 4) === shard));
    }
  });
});
