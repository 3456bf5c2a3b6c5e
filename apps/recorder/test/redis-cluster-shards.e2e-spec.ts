import { Writable } from 'node:stream';
import type { INestMicroservice } from '@nestjs/common';
import { MemoryKeyStateStore } from '@tollgate/keypool';
import { BullmqBatchClient, createGatewayApp, type GatewayApp } from '@tollgate/gateway';
import { createLogger, loadConfig } from '@tollgate/platform';
import { recordingQueueNames } from '@tollgate/recording';
import { startMockUpstream, startRedisCluster, type MockUpstream, type TestRedisCluster } from '@tollgate/testing';
import { exactlyOnce, RecorderTestHarness, startTestRecorder } from './recorder-test.harness';

const TOKEN = 'tg_cluster_e2e_token';
const QUEUE_NAME = 'tollgate-interceptions';
const PREFIX = 'tollgate';
const SHARDS = 3;
const REQUESTS = 60;
const silent = () => createLogger({ level: 'warn', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

/**
 * The sharded recording queue on a real 3-node Redis Cluster: gateway → one queue per shard (each in one slot, the
 * shards on different nodes) → a recorder consuming every shard → each interception exactly once in Postgres.
 */
describe('recording: gateway → sharded queues on a Redis Cluster → recorder → Postgres', () => {
  const harness = new RecorderTestHarness();
  let cluster: TestRedisCluster;
  let mock: MockUpstream;
  let recorder: INestMicroservice;
  let gateway: GatewayApp;
  let url: string;

  beforeAll(async () => {
    [cluster, mock] = await Promise.all([startRedisCluster(3), startMockUpstream()]);
    await harness.setUpDatabase();
    recorder = await startTestRecorder({ dataSource: harness.dataSource, prefix: PREFIX, queueName: QUEUE_NAME, queueShards: SHARDS, redisCluster: cluster.seeds });
    const eventSender = new BullmqBatchClient({ redisCluster: cluster.seeds, queueName: QUEUE_NAME, shards: SHARDS, prefix: PREFIX, attempts: 5, backoffMs: 100 });
    await eventSender.connect();
    const config = loadConfig({
      env: {},
      document: {
        server: { port: 0, shutdown: { grace: 0 } },
        providers: [{ name: 'openai', type: 'openai', baseUrl: mock.openaiBaseUrl, keys: ['k0-long-key'] }],
        auth: { tokens: [{ token: TOKEN, user: 'dana' }] },
      },
    });
    gateway = await createGatewayApp({ config, logger: silent(), keyStateStore: new MemoryKeyStateStore(), eventSender });
    url = await gateway.listen(0, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await recorder?.close();
    await Promise.all([mock?.close(), cluster?.close(), harness.tearDownDatabase()]);
  });

  it('records every interception exactly once, through shards spread over the cluster nodes', async () => {
    const ids = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, index) => {
        const response = await fetch(`${url}/openai/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ model: 'gpt-test', stream: index % 2 === 1, messages: [{ role: 'user', content: `prompt ${index}` }] }),
        });
        await response.text();
        expect(response.status).toBe(200);
        return response.headers.get('x-tollgate-interception-id')!;
      }),
    );
    const interceptions = ids.map((interceptionId) => ({ interceptionId }));
    expect(await harness.waitUntilRecorded(interceptions, 30_000)).toEqual({ ...exactlyOnce(REQUESTS), toolUsages: 0 }); // no tool calls in these requests

    // Each shard's keys live on the node serving its hash tag's slot, and on no other; the shards use several nodes.
    const shardNames = recordingQueueNames({ queueName: QUEUE_NAME, shards: SHARDS, onCluster: true });
    const owners = new Set<number>();
    for (const name of shardNames) {
      const owner = await cluster.nodeOfKey(name);
      owners.add(owner.port);
      for (const node of cluster.nodes) {
        const keys = await cluster.keysOn(node, `${PREFIX}:${name}:*`);
        if (node === owner) expect(keys.length).toBeGreaterThan(0);
        else expect(keys).toEqual([]);
      }
    }
    expect(owners.size).toBeGreaterThan(1);
  });
});
