/**
 * Counts the spans of an OTLP/HTTP trace export (`POST /v1/traces`), by `service.name` and span name, without a
 * protobuf library: only the few fields needed are read, everything else is skipped by its wire type.
 *   ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 }
 *   ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2 }
 *   Resource { repeated KeyValue attributes = 1 }   KeyValue { string key = 1; AnyValue value = 2 }
 *   AnyValue { string string_value = 1; … }   ScopeSpans { repeated Span spans = 2 }   Span { string name = 5 }
 */

/** Spans counted per service name, then per span name. */
export type SpanTally = Record<string, Record<string, number>>;

export const UNKNOWN_SERVICE = '(no service.name)';

/** Adds the spans of one protobuf-encoded ExportTraceServiceRequest to `tally`; returns how many there were. */
export function tallyProtobufTraces(body: Uint8Array, tally: SpanTally): number {
  let spans = 0;
  for (const resourceSpans of fields(body, 0, body.length, 1)) {
    let service = UNKNOWN_SERVICE;
    const names: string[] = [];
    for (const field of allFields(body, resourceSpans.start, resourceSpans.end)) {
      if (field.number === 1 && field.wireType === LENGTH_DELIMITED) service = serviceNameOf(body, field.start, field.end) ?? service;
      if (field.number === 2 && field.wireType === LENGTH_DELIMITED) {
        for (const span of fields(body, field.start, field.end, 2)) names.push(spanNameOf(body, span.start, span.end));
      }
    }
    for (const name of names) add(tally, service, name);
    spans += names.length;
  }
  return spans;
}

/** The same for the OTLP/JSON encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
export function tallyJsonTraces(request: unknown, tally: SpanTally): number {
  let spans = 0;
  for (const resourceSpans of arrayOf((request as { resourceSpans?: unknown })?.resourceSpans)) {
    const { resource, scopeSpans } = resourceSpans as { resource?: { attributes?: unknown }; scopeSpans?: unknown };
    const serviceAttribute = arrayOf(resource?.attributes).find((attribute) => (attribute as { key?: unknown }).key === 'service.name') as
      | { value?: { stringValue?: unknown } }
      | undefined;
    const service = typeof serviceAttribute?.value?.stringValue === 'string' ? serviceAttribute.value.stringValue : UNKNOWN_SERVICE;
    for (const scope of arrayOf(scopeSpans)) {
      for (const span of arrayOf((scope as { spans?: unknown }).spans)) {
        const name = (span as { name?: unknown }).name;
        add(tally, service, typeof name === 'string' ? name : '');
        spans += 1;
      }
    }
  }
  return spans;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

interface Field {
  number: number;
  wireType: number;
  /** The payload of a length-delimited field (else the value's bytes). */
  start: number;
  end: number;
}

function* allFields(buffer: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [tag, afterTag] = readVarint(buffer, at);
    const wireType = tag & 7;
    const number = Math.floor(tag / 8);
    let valueStart = afterTag;
    let valueEnd: number;
    switch (wireType) {
      case VARINT:
        valueEnd = readVarint(buffer, afterTag)[1];
        break;
      case FIXED64:
        valueEnd = afterTag + 8;
        break;
      case FIXED32:
        valueEnd = afterTag + 4;
        break;
      case LENGTH_DELIMITED: {
        const [length, afterLength] = readVarint(buffer, afterTag);
        valueStart = afterLength;
        valueEnd = afterLength + length;
        break;
      }
      default:
        throw new Error(`OTLP protobuf: unsupported wire type ${wireType} at byte ${at}`);
    }
    if (valueEnd > end) throw new Error(`OTLP protobuf: field ${number} runs past its message (byte ${at})`);
    yield { number, wireType, start: valueStart, end: valueEnd };
    at = valueEnd;
  }
}

function* fields(buffer: Uint8Array, start: number, end: number, number: number): Generator<Field> {
  for (const field of allFields(buffer, start, end)) if (field.number === number && field.wireType === LENGTH_DELIMITED) yield field;
}

/** `service.name` among a Resource's attributes. */
function serviceNameOf(buffer: Uint8Array, start: number, end: number): string | undefined {
  for (const attribute of fields(buffer, start, end, 1)) {
    let key: string | undefined;
    let value: Field | undefined;
    for (const field of allFields(buffer, attribute.start, attribute.end)) {
      if (field.number === 1 && field.wireType === LENGTH_DELIMITED) key = text(buffer, field);
      if (field.number === 2 && field.wireType === LENGTH_DELIMITED) value = field;
    }
    if (key !== 'service.name' || !value) continue;
    for (const stringValue of fields(buffer, value.start, value.end, 1)) return text(buffer, stringValue);
  }
  return undefined;
}

function spanNameOf(buffer: Uint8Array, start: number, end: number): string {
  for (const name of fields(buffer, start, end, 5)) return text(buffer, name);
  return '';
}

const decoder = new TextDecoder();

function text(buffer: Uint8Array, field: Field): string {
  return decoder.decode(buffer.subarray(field.start, field.end));
}

/** A varint's value (exact up to 2^53) and the offset after it. */
function readVarint(buffer: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let at = offset; at < buffer.length && at < offset + 10; at++) {
    const byte = buffer[at];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, at + 1];
  }
  throw new Error(`OTLP protobuf: truncated varint at byte ${offset}`);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function add(tally: SpanTally, service: string, name: string, count = 1): void {
  const names = (tally[service] ??= {});
  names[name] = (names[name] ?? 0) + count;
}
