// Runs the mock OpenAI/Anthropic/Gemini upstream as a standalone server (demo, benchmark, manual testing).
// Usage: node dist/mock-upstream/main.js [--port 9100] [--host 127.0.0.1] [--chunks 5] [--chunk-delay-ms 0] [--no-record]
import { parseArgs } from 'node:util';
import { MOCK_DEFAULT_CHUNKS, startMockUpstream } from '@tollgate/testing';

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9100' },
      host: { type: 'string', default: '127.0.0.1' },
      chunks: { type: 'string', default: String(MOCK_DEFAULT_CHUNKS) },
      'chunk-delay-ms': { type: 'string', default: '0' },
      'no-record': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    help: values.help,
    port: nonNegativeInteger('--port', values.port),
    host: values.host,
    defaultChunks: nonNegativeInteger('--chunks', values.chunks),
    defaultChunkDelayMs: nonNegativeInteger('--chunk-delay-ms', values['chunk-delay-ms']),
    record: !values['no-record'],
  };
}

function nonNegativeInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const { help, ...options } = readOptions();
  if (help) {
    console.log('mock-upstream [--port 9100] [--host 127.0.0.1] [--chunks 5] [--chunk-delay-ms 0] [--no-record]');
    return;
  }
  const mock = await startMockUpstream(options);
  console.log(`mock upstream listening on ${mock.url}`);
  console.log(`  OpenAI baseUrl:    ${mock.openaiBaseUrl}`);
  console.log(`  Anthropic baseUrl: ${mock.anthropicBaseUrl}`);
  console.log(`  Gemini baseUrl:    ${mock.geminiBaseUrl}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping mock upstream`);
    mock.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('mock upstream did not close cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
