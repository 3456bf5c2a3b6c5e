import type { LeveledModelPolicy, ModelPolicy } from './model-policy';

/** A pattern as a RegExp: `*` matches any run of characters (also none), everything else is literal, case-sensitive. */
function compilePattern(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}

interface CompiledPolicy {
  allow: RegExp[];
  deny: RegExp[];
}

// Policies come from the configuration and the directory and are replaced, never mutated: compile each once.
const compiled = new WeakMap<ModelPolicy, CompiledPolicy>();

function compiledOf(policy: ModelPolicy): CompiledPolicy {
  let entry = compiled.get(policy);
  if (!entry) {
    entry = { allow: (policy.allow ?? []).map(compilePattern), deny: (policy.deny ?? []).map(compilePattern) };
    compiled.set(policy, entry);
  }
  return entry;
}

/**
 * Whether one policy lets `providerName` serve `model`: a pattern matches `provider/model` or `model`; deny wins;
 * an empty or missing allow list allows every model not denied.
 */
export function policyAllows(policy: ModelPolicy, providerName: string, model: string): boolean {
  const { allow, deny } = compiledOf(policy);
  const qualified = `${providerName}/${model}`;
  const matches = (pattern: RegExp) => pattern.test(model) || pattern.test(qualified);
  if (deny.some(matches)) return false;
  return allow.length === 0 || allow.some(matches);
}

/** The first level whose policy refuses the model, or undefined when every level allows it. */
export function refusingPolicy(policies: readonly LeveledModelPolicy[], providerName: string, model: string): LeveledModelPolicy | undefined {
  return policies.find((leveled) => !policyAllows(leveled.policy, providerName, model));
}
