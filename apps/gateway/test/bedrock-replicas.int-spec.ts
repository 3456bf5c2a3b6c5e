import { RedisKeyStateStore } from '@tollgate/keypool';
import { createTestRedisPrefix, dumpRedisKeyspace, startMockBedrock, testRedisUrl, waitFor, type MockBedrock, type TestRedisPrefix } from '@tollgate/testing';
import { ADMIN_TOKEN, ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const FIRST = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SECOND = { accessKeyId: 'ASIAQWERTYUIOPEXAMPL', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789' };
const ENV = { ID_1: FIRST.accessKeyId, SECRET_1: FIRST.secretAccessKey, ID_2: SECOND.accessKeyId, SECRET_2: SECOND.secretAccessKey, TOKEN_2: SECOND.sessionToken };

describe('Bedrock credentials\' state shared by two replicas through Redis', () => {
  let bedrock: MockBedrock;
  let redisPrefix: TestRedisPrefix;
  let replicaA: Harness;
  let replicaB: Harness;

  const replica = () =>
    startHarness({
      env: ENV,
      keyStateStore: new RedisKeyStateStore({ redis: testRedisUrl(), keyPrefix: `${redisPrefix.prefix}:keys:` }),
      providers: [
        {
          name: 'bedrock',
          type: 'anthropic',
          upstream: 'bedrock',
          region: 'us-east-1',
          baseUrl: bedrock.url,
          keys: [
            { accessKeyId: '${ID_1}', secretAccessKey: '${SECRET_1}' },
            { accessKeyId: '${ID_2}', secretAccessKey: '${SECRET_2}', sessionToken: '${TOKEN_2}' },
          ],
        },
      ],
    });

  beforeAll(async () => {
    bedrock = await startMockBedrock({ region: 'us-east-1', credentials: [FIRST, SECOND] });
    redisPrefix = createTestRedisPrefix();
    [replicaA, replicaB] = [await replica(), await replica()];
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await bedrock?.close();
    await redisPrefix?.cleanup();
  });

  const ask = async (harness: Harness, stream: boolean) => {
    const response = await fetch(`${harness.url}/bedrock/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.text();
    return response.status;
  };
  const states = async (harness: Harness) => {
    const response = await fetch(`${harness.url}/admin/v1/providers/bedrock/keys`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await response.json()) as { keys: Array<{ state: string }> }).keys.map((key) => key.state);
  };

  it('a ThrottlingException seen by A (streaming) makes B skip that credential (blocking); Redis holds no secret', async () => {
    bedrock.script(FIRST.accessKeyId, { error: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } });
    expect(await ask(replicaA, true)).toBe(200);
    await waitFor(() => states(replicaB), (seen) => JSON.stringify(seen) === '["cooling","valid"]', 'B sees the first credential cooling');

    bedrock.reset();
    expect(await ask(replicaB, false)).toBe(200);
    expect(bedrock.received.map((request) => request.identity)).toEqual([SECOND.accessKeyId]);

    const redis = await dumpRedisKeyspace(redisPrefix.prefix);
    expect(redis).toContain(redisPrefix.prefix);
    for (const secret of [FIRST.accessKeyId, FIRST.secretAccessKey, SECOND.secretAccessKey, SECOND.sessionToken]) expect(redis).not.toContain(secret);
  });
});
