import { tallyJsonTraces, tallyProtobufTraces, UNKNOWN_SERVICE, type SpanTally } from './otlp-trace.decoder';

// A tiny protobuf writer for the test's fixtures: tag, varint and length-delimited fields only.
const varint = (value: number): number[] => {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  return [...bytes, value];
};
const field = (number: number, payload: number[] | string): number[] => {
  const bytes = typeof payload === 'string' ? [...Buffer.from(payload, 'utf8')] : payload;
  return [...varint(number * 8 + 2), ...varint(bytes.length), ...bytes];
};
const varintField = (number: number, value: number): number[] => [...varint(number * 8), ...varint(value)];
const fixed64Field = (number: number): number[] => [...varint(number * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8];
const fixed32Field = (number: number): number[] => [...varint(number * 8 + 5), 1, 2, 3, 4];

const keyValue = (key: string, value: string) => field(1, [...field(1, key), ...field(2, field(1, value))]);
const span = (name: string) =>
  field(2, [
    ...field(1, Array(16).fill(7)), // trace_id
    ...field(2, Array(8).fill(9)), // span_id
    ...field(5, name),
    ...varintField(6, 2), // kind
    ...fixed64Field(7), // start_time_unix_nano
    ...fixed64Field(8),
    ...field(9, [...field(1, 'http.method'), ...field(2, field(1, 'POST'))]), // an attribute
    ...fixed32Field(16), // flags
  ]);
const resourceSpans = (service: string | undefined, ...spans: number[][]) =>
  field(1, [
    // Scope spans first, resource after: the decoder must not depend on the order.
    ...field(2, [...field(1, field(1, '@opentelemetry/instrumentation-http')), ...spans.flat()]),
    ...field(1, [...keyValue('telemetry.sdk.language', 'nodejs'), ...(service ? keyValue('service.name', service) : []), ...varintField(2, 0)]),
  ]);

describe('tallyProtobufTraces', () => {
  it('counts spans by service.name and span name', () => {
    const body = Uint8Array.from([
      ...resourceSpans('tollgate-gateway', span('POST'), span('evalsha'), span('evalsha')),
      ...resourceSpans('tollgate-recorder', span('INSERT tollgate')),
      ...resourceSpans(undefined, span('é-span')),
    ]);
    const tally: SpanTally = {};
    expect(tallyProtobufTraces(body, tally)).toBe(5);
    expect(tally).toEqual({
      'tollgate-gateway': { POST: 1, evalsha: 2 },
      'tollgate-recorder': { 'INSERT tollgate': 1 },
      [UNKNOWN_SERVICE]: { 'é-span': 1 },
    });
    tallyProtobufTraces(body, tally);
    expect(tally['tollgate-gateway']).toEqual({ POST: 2, evalsha: 4 });
  });

  it('counts nothing in an empty request and rejects a truncated one', () => {
    expect(tallyProtobufTraces(new Uint8Array(), {})).toBe(0);
    const body = Uint8Array.from(resourceSpans('svc', span('a')));
    expect(() => tallyProtobufTraces(body.subarray(0, body.length - 3), {})).toThrow('OTLP protobuf');
  });
});

describe('tallyJsonTraces', () => {
  it('counts the JSON encoding the same way', () => {
    const tally: SpanTally = {};
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tollgate-gateway' } }] },
          scopeSpans: [{ scope: { name: 'http' }, spans: [{ name: 'POST' }, { name: 'POST' }] }, { spans: [{ name: 'evalsha' }] }],
        },
        { resource: {}, scopeSpans: [{ spans: [{ name: 'x' }] }] },
      ],
    };
    expect(tallyJsonTraces(request, tally)).toBe(4);
    expect(tally).toEqual({ 'tollgate-gateway': { POST: 2, evalsha: 1 }, [UNKNOWN_SERVICE]: { x: 1 } });
    expect(tallyJsonTraces({}, tally)).toBe(0);
  });
});
