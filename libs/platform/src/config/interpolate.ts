export class InterpolationError extends Error {}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree. A `${VAR}` without a default whose
 * variable is unset is an error naming the variable (never its value).
 */
export function interpolateEnv(node: unknown, env: Record<string, string | undefined>, path = ''): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw new InterpolationError(`${path || '(root)'}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(node)) return node.map((item, index) => interpolateEnv(item, env, `${path}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateEnv(value, env, path ? `${path}.${key}` : key)]),
    );
  }
  return node;
}
