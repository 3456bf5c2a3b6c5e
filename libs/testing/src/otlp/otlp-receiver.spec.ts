import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

const string = (value: string) => ({ stringValue: value });

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it('decodes a span and lists every string it carries, wherever it is, for leak scans', async () => {
    const payload = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: string('svc') }, { key: 'process.command_args', value: { arrayValue: { values: [string('in-resource')] } } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 't1',
                  spanId: 's1',
                  parentSpanId: '',
                  name: 'work',
                  kind: 3,
                  attributes: [
                    { key: 'plain', value: string('in-attribute') },
                    { key: 'count', value: { intValue: '3' } },
                    { key: 'list', value: { arrayValue: { values: [string('in-array'), { intValue: 1 }] } } },
                    { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { arrayValue: { values: [string('in-kvlist')] } } }] } } },
                    { key: 'raw', value: { bytesValue: Buffer.from('in-bytes').toString('base64') } },
                  ],
                  events: [{ name: 'exception', attributes: [{ key: 'exception.message', value: string('in-event') }] }],
                  links: [{ traceId: 't0', spanId: 's0', attributes: [{ key: 'why', value: string('in-link') }] }],
                  status: { code: 2, message: 'in-status' },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(response.status).toBe(200);

    const span = await receiver.waitFor((candidate) => candidate.name === 'work', 2_000);
    expect(span).toMatchObject({
      service: 'svc',
      traceId: 't1',
      parentSpanId: undefined,
      kind: 3,
      statusCode: 2,
      statusMessage: 'in-status',
      attributes: { plain: 'in-attribute', count: 3, list: '["in-array",1]', map: '{"inner":"[\\"in-kvlist\\"]"}', raw: 'in-bytes' },
      events: [{ name: 'exception', attributes: { 'exception.message': 'in-event' } }],
    });
    expect(span.resource['service.name']).toBe('svc');
    for (const where of ['resource', 'attribute', 'array', 'kvlist', 'bytes', 'event', 'link', 'status']) {
      expect(span.strings).toContain(`in-${where}`);
    }
  });
});
