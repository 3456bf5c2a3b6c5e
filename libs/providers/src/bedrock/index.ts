export { bedrockModelIds, inferenceProfilePrefix, resolveBedrockModelId } from './bedrock-model-ids';
export { BEDROCK_ANTHROPIC_VERSION, toBedrockInvocation, type BedrockInvocation } from './bedrock-request.translator';
export { anthropicErrorFromBedrock, anthropicErrorType, bedrockErrorMessage, bedrockErrorName } from './bedrock-error.translator';
export { BedrockEventStreamTranslator } from './bedrock-event-stream.translator';
export { bedrockDescription } from './bedrock.description';
