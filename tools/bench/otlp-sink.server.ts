import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tallyJsonTraces, tallyProtobufTraces, type SpanTally } from './otlp-trace.decoder';

/** What `GET /stats` answers: everything received since the sink started. */
export interface OtlpSinkStats {
  /** POSTs received on any OTLP path (traces, metrics, logs). */
  exports: number;
  bytes: number;
  /** Spans in the `/v1/traces` exports, by service name and span name. */
  spans: SpanTally;
  /** Trace exports the sink could not decode (counted, answered 200 all the same). */
  undecoded: number;
}

/**
 * A trace receiver that answers 200 to whatever the OTLP/HTTP exporters post (protobuf or JSON), so tracing runs its
 * real export path without a collector. It counts the spans of trace exports by service and name and drops the
 * rest; `GET /stats` reports what arrived. Runs as its own process (`main.js otlp-sink`) so it does not share an
 * event loop with the load generator.
 */
export async function runOtlpSink(): Promise<void> {
  const stats: OtlpSinkStats = { exports: 0, bytes: 0, spans: {}, undecoded: 0 };
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/stats') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
      return;
    }
    const json = (request.headers['content-type'] ?? '').includes('json');
    const traces = (request.url ?? '').split('?')[0].endsWith('/v1/traces');
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      stats.bytes += chunk.length;
      if (traces) parts.push(chunk);
    });
    request.on('end', () => {
      stats.exports += 1;
      if (traces) {
        try {
          let body = Buffer.concat(parts);
          if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          if (json) tallyJsonTraces(JSON.parse(body.toString('utf8')), stats.spans);
          else tallyProtobufTraces(body, stats.spans);
        } catch {
          stats.undecoded += 1;
        }
      }
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`otlp sink listening on http://127.0.0.1:${port}`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Reads a running sink's counters. */
export async function readOtlpSinkStats(sinkUrl: string): Promise<OtlpSinkStats> {
  const response = await fetch(`${sinkUrl}/stats`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${sinkUrl}/stats answered ${response.status}`);
  return (await response.json()) as OtlpSinkStats;
}
