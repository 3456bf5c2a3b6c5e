import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttributeValue = string | number | boolean | undefined;

export interface ReceivedEvent {
  name: string;
  attributes: Record<string, AttributeValue>;
}

export interface ReceivedSpan {
  service: string;
  /** Attributes of the exporting process (service.name, host, process, …). */
  resource: Record<string, AttributeValue>;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** The spans this one links to (a batch's producer span links to each event's interception). */
  links: { traceId: string; spanId: string; attributes: Record<string, AttributeValue> }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage?: string;
  events: ReceivedEvent[];
  /**
   * Every string the span carries, for leak scans: its name, status message, the keys and values of its
   * attributes, events, links and resource, with array and key-value-list values taken apart.
   */
  strings: string[];
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  /** Resolves once a span matching `predicate` has arrived. */
  waitFor(predicate: (span: ReceivedSpan) => boolean, timeoutMs?: number): Promise<ReceivedSpan>;
  close(): Promise<void>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; attributes?: OtlpKeyValue[] }>;
  links?: Array<{ traceId?: string; spanId?: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number; message?: string };
}
interface OtlpExport {
  resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

/** A minimal OTLP/HTTP (JSON) trace receiver on loopback, so tests can assert on what processes export. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url?.startsWith('/v1/traces')) {
        spans.push(...decode(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = spans.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching span within ${timeoutMs} ms (received ${spans.map((span) => span.name).join(', ')})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decode(payload: OtlpExport): ReceivedSpan[] {
  const decoded: ReceivedSpan[] = [];
  for (const resourceSpans of payload.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const resourceStrings = stringsOfList(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const events = (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) }));
        decoded.push({
          service: String(resource['service.name'] ?? ''),
          resource,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map((link) => ({ traceId: link.traceId ?? '', spanId: link.spanId ?? '', attributes: attributesOf(link.attributes) })),
          statusCode: span.status?.code ?? 0,
          statusMessage: span.status?.message || undefined,
          events,
          strings: [
            span.name,
            ...(span.status?.message ? [span.status.message] : []),
            ...stringsOfList(span.attributes),
            ...(span.events ?? []).flatMap((event) => [event.name, ...stringsOfList(event.attributes)]),
            ...(span.links ?? []).flatMap((link) => stringsOfList(link.attributes)),
            ...resourceStrings,
          ],
        });
      }
    }
  }
  return decoded;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) attributes[key] = scalar(value);
  return attributes;
}

function scalar(value: OtlpAnyValue): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue, 'base64').toString('utf8');
  if (value.arrayValue) return JSON.stringify((value.arrayValue.values ?? []).map(scalar));
  if (value.kvlistValue) return JSON.stringify(attributesOf(value.kvlistValue.values));
  return undefined;
}

function stringsOfList(list: OtlpKeyValue[] | undefined): string[] {
  return (list ?? []).flatMap(({ key, value }) => [key, ...stringsOf(value)]);
}

function stringsOf(value: OtlpAnyValue): string[] {
  if (value.stringValue !== undefined) return [value.stringValue];
  if (value.bytesValue !== undefined) return [Buffer.from(value.bytesValue, 'base64').toString('utf8')];
  if (value.arrayValue) return (value.arrayValue.values ?? []).flatMap(stringsOf);
  if (value.kvlistValue) return stringsOfList(value.kvlistValue.values);
  return [];
}
