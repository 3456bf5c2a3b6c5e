import type { Logger } from '@tollgate/platform';
import type { CallerAccessPolicy } from '../auth/caller-access.policy';
import type { CallerResolver } from '../auth/caller.resolver';
import type { InterceptionHandler } from '../bridge/interception.handler';
import type { UserBudgetGates } from '../budget/user-budget.gates';
import type { CredentialSources } from '../identity/credential.planner';
import type { LimitGuard } from '../limits/limit.guard';
import type { GatewayMetrics } from '../metrics/gateway.metrics';
import type { PassthroughHandler } from '../passthrough/passthrough.handler';
import type { StoredObjectOwners } from '../stored-objects/stored-object.owners';

/** What the provider request path uses, built once by the composition root (`@tollgate/gateway`). */
export interface ProviderRequestServices extends CredentialSources {
  readonly callers: CallerResolver;
  readonly access: CallerAccessPolicy;
  readonly budgets: UserBudgetGates;
  readonly limits: LimitGuard;
  readonly storedObjectOwners: StoredObjectOwners;
  readonly interceptions: InterceptionHandler;
  readonly passthrough: PassthroughHandler;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}
