export { verifySignature, type MockAwsCredential, type SignatureCheck } from './bedrock-signature.verifier';
export {
  MOCK_BEDROCK_TEXT,
  MOCK_BEDROCK_USAGE,
  encodeBedrockChunk,
  encodeBedrockException,
  mockBedrockStreamEvents,
  startMockBedrock,
  type MockBedrock,
  type MockBedrockOptions,
  type MockBedrockRequest,
  type MockBedrockStep,
} from './mock-bedrock.server';
export { BEDROCK_FIXTURES, type BedrockFixture } from './bedrock-docs.fixtures';
