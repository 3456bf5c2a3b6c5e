import { GoogleGenAI } from '@google/genai';
import { hint } from '@tollgate/keypool';
import { FakeClock, geminiRateLimitBody, startMockUpstream, waitFor, type MockUpstream } from '@tollgate/testing';
import { ALICE_TOKEN, startHarness, type Harness } from './support/gateway-harness';

const FIRST_KEYS = ['AIzaSyFirstPoolKey-000000001', 'AIzaSyFirstPoolKey-000000002'];
const SECOND_KEY = 'AIzaSySecondPoolKey-00000001';
const CONTENTS = { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] };

describe.each([false, true])('model alias over two Gemini providers (streaming: %s)', (streaming) => {
  let mock: MockUpstream;
  let harness: Harness;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    harness = await startHarness({
      mock,
      clock: new FakeClock(Date.parse('2026-12-03T10:00:00Z')),
      providers: [
        { name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: FIRST_KEYS },
        { name: 'gemini-backup', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: [SECOND_KEY] },
      ],
      routing: { aliases: [{ name: 'flash', targets: [{ provider: 'gemini', model: 'gemini-2.5-flash' }, { provider: 'gemini-backup', model: 'gemini-2.5-pro' }] }] },
    });
  });
  afterEach(() => harness.close());

  const method = streaming ? 'streamGenerateContent' : 'generateContent';
  /** Through the official SDK (its stable `v1` API), blocking or streaming; the answer's text. */
  const ask = async (model: string) => {
    const sdk = new GoogleGenAI({ apiKey: ALICE_TOKEN, httpOptions: { baseUrl: `${harness.url}/gemini` } });
    if (!streaming) return (await sdk.models.generateContent({ model, contents: 'Say hello' })).text ?? '';
    let text = '';
    for await (const chunk of await sdk.models.generateContentStream({ model, contents: 'Say hello' })) text += chunk.text ?? '';
    return text;
  };
  /** Raw HTTP with the gateway token in Gemini's `key` query parameter. */
  const post = async (model: string) => {
    const query = streaming ? `key=${ALICE_TOKEN}&alt=sse` : `key=${ALICE_TOKEN}`;
    const response = await fetch(`${harness.url}/gemini/v1beta/models/${model}:${method}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CONTENTS) });
    return { response, text: await response.text(), id: response.headers.get('x-tollgate-interception-id')! };
  };
  /** The one interception of a test (the SDK hides its id); its events arrive in a batch after the answer. */
  const recordedOnly = async () => {
    const started = await waitFor(() => harness.sink.events.find((event) => event.name === 'interception.started'), (event) => event !== undefined, 'interception.started');
    if (!started || started.name !== 'interception.started') throw new Error('no interception recorded');
    return { started, ended: await harness.sink.waitForEnded(started.interceptionId) };
  };
  const metrics = async () => (await fetch(`${harness.url}/metrics`)).text();

  it('served by the first target: the model in the path is the target model, the record names the alias', async () => {
    expect((await ask('flash')).length).toBeGreaterThan(0);
    expect(mock.keysSeen()).toEqual([FIRST_KEYS[0]]);
    expect(mock.received[0].path).toBe(`/gemini/v1/models/gemini-2.5-flash:${method}`);
    expect(mock.received[0].query).toEqual(streaming ? { alt: 'sse' } : {});
    const { started, ended } = await recordedOnly();
    expect(started).toMatchObject({ requestedModel: 'flash', providerName: 'gemini', model: 'gemini-2.5-flash' });
    expect(ended.served).toEqual({ providerName: 'gemini', model: 'gemini-2.5-flash' });
  });

  it('falls back when the first pool is exhausted (every key 429 with RetryInfo)', async () => {
    for (const key of FIRST_KEYS) mock.script(key, { status: 429, body: geminiRateLimitBody('30s') });
    expect((await ask('flash')).length).toBeGreaterThan(0);
    expect(mock.keysSeen()).toEqual([...FIRST_KEYS, SECOND_KEY]);
    expect(mock.received.map((request) => request.path)).toEqual([
      `/gemini/v1/models/gemini-2.5-flash:${method}`,
      `/gemini/v1/models/gemini-2.5-flash:${method}`,
      `/gemini/v1/models/gemini-2.5-pro:${method}`,
    ]);
    const { ended } = await recordedOnly();
    expect(ended).toMatchObject({ served: { providerName: 'gemini-backup', model: 'gemini-2.5-pro' } });
    expect(ended.credentialHint).toBe(hint(SECOND_KEY));
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="flash",from="gemini",to="gemini-backup",reason="rate_limited"} 1');
  });

  it('falls back on a 5xx; the key query parameter reaches no target', async () => {
    mock.script(FIRST_KEYS[0], { status: 503 });
    const sent = await post('flash');
    expect(sent.response.status).toBe(200);
    if (streaming) expect(sent.response.headers.get('content-type')).toBe('text/event-stream');
    expect(mock.keysSeen()).toEqual([FIRST_KEYS[0], SECOND_KEY]);
    expect(mock.received.map((request) => request.path)).toEqual([`/gemini/v1beta/models/gemini-2.5-flash:${method}`, `/gemini/v1beta/models/gemini-2.5-pro:${method}`]);
    for (const request of mock.received) {
      expect(request.query).toEqual(streaming ? { alt: 'sse' } : {});
      expect(JSON.stringify(request.headers)).not.toContain(ALICE_TOKEN);
    }
    expect(await harness.sink.waitForEnded(sent.id)).toMatchObject({ served: { providerName: 'gemini-backup', model: 'gemini-2.5-pro' } });
    expect(await metrics()).toContain('tollgate_alias_fallbacks_total{alias="flash",from="gemini",to="gemini-backup",reason="upstream_5xx"} 1');
  });

  it('the alias is in the Gemini model list of either provider', async () => {
    const sdk = new GoogleGenAI({ apiKey: ALICE_TOKEN, httpOptions: { baseUrl: `${harness.url}/gemini-backup` } });
    const names: string[] = [];
    for await (const model of await sdk.models.list()) names.push(model.name ?? '');
    expect(names).toContain('models/flash');
    expect(names.filter((name) => name !== 'models/flash').length).toBeGreaterThan(0);
  });

  if (!streaming) {
    it('countTokens of an alias goes to its first target the caller may use, without fallback', async () => {
      const sdk = new GoogleGenAI({ apiKey: ALICE_TOKEN, httpOptions: { baseUrl: `${harness.url}/gemini` } });
      const counted = await sdk.models.countTokens({ model: 'flash', contents: 'Say hello' });
      expect(counted.totalTokens).toBeGreaterThan(0);
      expect(mock.received.map((request) => [request.path, request.credential])).toEqual([['/gemini/v1/models/gemini-2.5-flash:countTokens', FIRST_KEYS[0]]]);

      // Raw, on the backup provider's route, with the token in `key`: still the first target, the key never forwarded.
      mock.reset();
      const raw = await fetch(`${harness.url}/gemini-backup/v1beta/models/flash:countTokens?key=${ALICE_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CONTENTS) });
      expect(raw.status).toBe(200);
      expect(mock.received.map((request) => [request.path, request.query])).toEqual([['/gemini/v1beta/models/gemini-2.5-flash:countTokens', {}]]);

      // No fallback: the first target's 5xx is the answer.
      mock.reset();
      mock.script(FIRST_KEYS[0], { status: 503 });
      const failed = await fetch(`${harness.url}/gemini/v1beta/models/flash:countTokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': ALICE_TOKEN }, body: JSON.stringify(CONTENTS) });
      expect(failed.status).toBe(503);
      expect(mock.keysSeen()).toEqual([FIRST_KEYS[0]]);
    });

    it('countTokens of an alias skips a target the model policy denies, and refuses when every target is denied', async () => {
      await harness.close();
      const providers = [
        { name: 'gemini', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: FIRST_KEYS },
        { name: 'gemini-backup', type: 'gemini', baseUrl: mock.geminiBaseUrl, keys: [SECOND_KEY] },
      ];
      const aliases = [{ name: 'flash', targets: [{ provider: 'gemini', model: 'gemini-2.5-flash' }, { provider: 'gemini-backup', model: 'gemini-2.5-pro' }] }];
      const count = () => fetch(`${harness.url}/gemini/v1beta/models/flash:countTokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': ALICE_TOKEN }, body: JSON.stringify(CONTENTS) });
      harness = await startHarness({ mock, providers, routing: { aliases }, models: { deny: ['gemini/gemini-2.5-flash'] } });
      expect((await count()).status).toBe(200);
      expect(mock.received.map((request) => [request.path, request.credential])).toEqual([['/gemini/v1beta/models/gemini-2.5-pro:countTokens', SECOND_KEY]]);

      await harness.close();
      mock.reset();
      harness = await startHarness({ mock, providers, routing: { aliases }, models: { deny: ['gemini/gemini-2.5-flash', 'gemini-backup/*'] } });
      const refused = await count();
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("no target of model alias 'flash' is allowed");
      expect(mock.received).toHaveLength(0);
    });
  }
});
