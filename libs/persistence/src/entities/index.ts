import { AdminAuditEntryEntity } from './admin-audit-entry.entity';
import { DirectoryChangeEntity } from './directory-change.entity';
import { GatewayTokenEntity } from './gateway-token.entity';
import { InterceptionEntity } from './interception.entity';
import { TokenUsageEntity } from './token-usage.entity';
import { ToolUsageEntity } from './tool-usage.entity';
import { UserProviderKeyEntity } from './user-provider-key.entity';
import { UserPromptEntity } from './user-prompt.entity';
import { UserEntity } from './user.entity';

export { InterceptionEntity, TokenUsageEntity, ToolUsageEntity, UserPromptEntity };
export { AdminAuditEntryEntity };
export { DirectoryChangeEntity, GatewayTokenEntity, UserEntity, UserProviderKeyEntity };

export const IDENTITY_ENTITIES = [UserEntity, GatewayTokenEntity, UserProviderKeyEntity, DirectoryChangeEntity];

/** Every entity the data source registers (the name predates the identity tables). */
export const RECORDING_ENTITIES = [InterceptionEntity, TokenUsageEntity, UserPromptEntity, ToolUsageEntity, ...IDENTITY_ENTITIES, AdminAuditEntryEntity];
