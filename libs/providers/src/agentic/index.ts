export type { AssistantTurn, InjectableTool, ToolResult } from './agentic.types';
export { injectTools } from './tool-injection';
export { assistantTurnOf, continuationOf } from './conversation';
export { parseKeepingNumbers } from './json-body';
export { sumUsage } from './usage-sum';
export type { StreamMerger } from './stream-merger';
export { createStreamMerger } from './stream-merger.factory';
