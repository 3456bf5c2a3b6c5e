import { ALICE_TOKEN, errorJson, startHarness, type Harness } from './support/gateway-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ROUTES = [
  { api: 'chat completions', path: '/openai/v1/chat/completions', headers: { authorization: `Bearer ${ALICE_TOKEN}` }, valid: { messages: [] } },
  { api: 'responses', path: '/openai/v1/responses', headers: { authorization: `Bearer ${ALICE_TOKEN}` }, valid: { input: 'hi' } },
  {
    api: 'anthropic messages',
    path: '/anthropic/v1/messages',
    headers: { 'x-api-key': ALICE_TOKEN, 'anthropic-version': '2023-06-01' },
    valid: { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
  },
];

/** Every bridged response carries `X-Tollgate-Interception-Id`, the ones the gateway refuses as malformed too. */
describe.each(ROUTES)('interception id on every bridged response: $api', (route) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.mock.reset());

  const post = (body: string) =>
    fetch(`${harness.url}${route.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...route.headers }, body });

  it.each([
    ['malformed JSON', '{"model": "m",'],
    ['a body without model', JSON.stringify(route.valid)],
  ])('400 for %s carries an interception id, and nothing goes upstream', async (_label, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-tollgate-interception-id')).toMatch(UUID);
    expect((await errorJson(response)).error.type).toBe('invalid_request_error');
    expect(harness.mock.received).toEqual([]);
  });

  it('a success carries a different id each time', async () => {
    const first = await post(JSON.stringify({ model: 'm', ...route.valid }));
    const second = await post(JSON.stringify({ model: 'm', ...route.valid }));
    expect([first.status, second.status]).toEqual([200, 200]);
    const ids = [first, second].map((response) => response.headers.get('x-tollgate-interception-id'));
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
