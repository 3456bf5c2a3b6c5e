import { InterceptionEntity } from './interception.entity';
import { TokenUsageEntity } from './token-usage.entity';
import { ToolUsageEntity } from './tool-usage.entity';
import { UserPromptEntity } from './user-prompt.entity';

export { InterceptionEntity, TokenUsageEntity, ToolUsageEntity, UserPromptEntity };

export const RECORDING_ENTITIES = [InterceptionEntity, TokenUsageEntity, UserPromptEntity, ToolUsageEntity];
