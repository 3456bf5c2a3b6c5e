import type { TollgateConfig } from '@tollgate/platform';
import type { CredentialPlan } from '../bridge/upstream-attempts';

/**
 * Whether the operator's MCP tools may be injected into a request sent with this credential. The tools run with the
 * operator's MCP headers and their results go into the conversation, so by default only requests on the company's
 * pool get them; a user's own key or own endpoint (another account, a server the user chose) only when allowed.
 */
export function mcpToolsAllowed(plan: CredentialPlan, mcp: Pick<TollgateConfig['mcp'], 'userKeys' | 'userEndpoints'>): boolean {
  if (plan.kind === 'centralized') return true;
  // Only a stored user endpoint carries a pinned dispatcher; a user key to the provider's own base URL has none.
  return plan.dispatcher === undefined ? mcp.userKeys : mcp.userEndpoints;
}
