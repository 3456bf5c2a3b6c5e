import { CreateRecordingTables1767225600000 } from './1767225600000-create-recording-tables';
import { CreateIdentityTables1767312000000 } from './1767312000000-create-identity-tables';
import { AddUsageCosts1767398400000 } from './1767398400000-add-usage-costs';
import { AddUserBudgets1767484800000 } from './1767484800000-add-user-budgets';
import { AddPoolKeyUseIndex1767571200000 } from './1767571200000-add-pool-key-use-index';
import { AddToolUsageServer1767657600000 } from './1767657600000-add-tool-usage-server';
import { CreateAdminAuditLog1767744000000 } from './1767744000000-create-admin-audit-log';
import { AddTeamsAndScopedTokens1767830400000 } from './1767830400000-add-teams-and-scoped-tokens';
import { AddInterceptionRequestedModel1767916800000 } from './1767916800000-add-interception-requested-model';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const RECORDING_MIGRATIONS = [CreateRecordingTables1767225600000, CreateIdentityTables1767312000000, AddUsageCosts1767398400000, AddUserBudgets1767484800000, AddPoolKeyUseIndex1767571200000, AddToolUsageServer1767657600000, CreateAdminAuditLog1767744000000, AddTeamsAndScopedTokens1767830400000, AddInterceptionRequestedModel1767916800000];
