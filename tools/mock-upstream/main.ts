// Runs the mock OpenAI/Anthropic/Gemini upstream as a standalone server (demo, benchmark, manual testing).
// Usage: node dist/mock-upstream/main.js [--port 9100] [--host 127.0.0.1] [--chunks 5] [--chunk-delay-ms 0] [--no-record]
//   [--bedrock-port 9101 [--bedrock-region us-east-1] [--bedrock-access-key-id …] [--bedrock-secret-access-key …] [--bedrock-api-key …]]
import { parseArgs } from 'node:util';
import { MOCK_DEFAULT_CHUNKS, startMockBedrock, startMockUpstream, type MockBedrock } from '@tollgate/testing';

// AWS's documentation example credentials: the mock Bedrock accepts signatures made with them unless told otherwise.
const EXAMPLE_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9100' },
      host: { type: 'string', default: '127.0.0.1' },
      chunks: { type: 'string', default: String(MOCK_DEFAULT_CHUNKS) },
      'chunk-delay-ms': { type: 'string', default: '0' },
      'no-record': { type: 'boolean', default: false },
      'bedrock-port': { type: 'string' },
      'bedrock-region': { type: 'string', default: 'us-east-1' },
      'bedrock-access-key-id': { type: 'string', default: EXAMPLE_ACCESS_KEY_ID },
      'bedrock-secret-access-key': { type: 'string', default: EXAMPLE_SECRET_ACCESS_KEY },
      'bedrock-api-key': { type: 'string' },
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
    bedrock:
      values['bedrock-port'] === undefined
        ? undefined
        : {
            port: nonNegativeInteger('--bedrock-port', values['bedrock-port']),
            host: values.host,
            region: values['bedrock-region'],
            credentials: [{ accessKeyId: values['bedrock-access-key-id'], secretAccessKey: values['bedrock-secret-access-key'] }],
            apiKeys: values['bedrock-api-key'] === undefined ? [] : [values['bedrock-api-key']],
          },
  };
}

function nonNegativeInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const { help, bedrock: bedrockOptions, ...options } = readOptions();
  if (help) {
    console.log('mock-upstream [--port 9100] [--host 127.0.0.1] [--chunks 5] [--chunk-delay-ms 0] [--no-record]');
    console.log('  [--bedrock-port 9101 [--bedrock-region us-east-1] [--bedrock-access-key-id ID] [--bedrock-secret-access-key SECRET] [--bedrock-api-key KEY]]');
    console.log('  --bedrock-port also serves a mock Bedrock runtime that checks SigV4 signatures (default: AWS\'s example credentials)');
    return;
  }
  const mock = await startMockUpstream(options);
  console.log(`mock upstream listening on ${mock.url}`);
  console.log(`  OpenAI baseUrl:    ${mock.openaiBaseUrl}`);
  console.log(`  Anthropic baseUrl: ${mock.anthropicBaseUrl}`);
  console.log(`  Gemini baseUrl:    ${mock.geminiBaseUrl}`);
  let bedrock: MockBedrock | undefined;
  if (bedrockOptions) {
    bedrock = await startMockBedrock(bedrockOptions);
    console.log(`  Bedrock baseUrl:   ${bedrock.url} (region ${bedrock.region}; upstream: bedrock, access key id ${bedrockOptions.credentials[0].accessKeyId})`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping mock upstream`);
    Promise.all([mock.close(), bedrock?.close()]).then(
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
