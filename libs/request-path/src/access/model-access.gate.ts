import { refusingPolicy, type CallerAccess, type LeveledModelPolicy } from '@tollgate/limits';
import { GatewayError } from '../errors/gateway-error';

export interface ModelRefusal {
  level: LeveledModelPolicy['level'];
  error: GatewayError;
}

/**
 * The refusal of a model some level of the caller's policies does not allow (docs/configuration.md `models`), or
 * undefined when every level allows it. The message names the model and the level, never another user.
 */
export function modelRefusal(access: CallerAccess, providerName: string, model: string): ModelRefusal | undefined {
  if (access.modelPolicies.length === 0) return undefined;
  const refusing = refusingPolicy(access.modelPolicies, providerName, model);
  if (!refusing) return undefined;
  const message = `model '${model}' is not allowed on provider '${providerName}' by ${policyName(refusing)}`;
  return { level: refusing.level, error: new GatewayError('model_not_allowed', message) };
}

function policyName(refusing: LeveledModelPolicy): string {
  switch (refusing.level) {
    case 'deployment':
      return "the deployment's model policy";
    case 'team':
      return `the model policy of team '${refusing.id}'`;
    case 'user':
      return 'your model policy';
    case 'token':
      return "this gateway token's model policy";
  }
}
