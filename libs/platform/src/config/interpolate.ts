const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** A `${VAR}` without a default whose variable is unset, and the config path where it appears. */
export interface MissingVariable {
  path: string;
  name: string;
}

export interface Interpolation {
  /** The tree with every placeholder replaced; a missing variable becomes an empty string. */
  value: unknown;
  /** Every missing variable, in document order (never a value). */
  missing: MissingVariable[];
}

/** Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree, collecting each unset `${VAR}`. */
export function interpolateEnv(node: unknown, env: Record<string, string | undefined>): Interpolation {
  const missing: MissingVariable[] = [];
  const value = interpolateNode(node, env, '', missing);
  return { value, missing };
}

function interpolateNode(node: unknown, env: Record<string, string | undefined>, path: string, missing: MissingVariable[]): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      missing.push({ path: path || '(root)', name });
      return '';
    });
  }
  if (Array.isArray(node)) return node.map((item, index) => interpolateNode(item, env, `${path}[${index}]`, missing));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateNode(value, env, path ? `${path}.${key}` : key, missing)]),
    );
  }
  return node;
}
