import { parse as parseYaml } from 'yaml';
import { describeObject, type KubeObject } from './kustomize.runner';

// Values that are secrets wherever they appear.
const SECRET_SHAPES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a gateway token (tg_…)', pattern: /\btg_[A-Za-z0-9_-]{6,}/ },
  { what: 'a provider key (sk-…)', pattern: /\bsk-[A-Za-z0-9_-]{16,}/ },
  { what: 'a password inside a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i },
];

// Keys whose values are secrets: `token`, `adminTokens`, `fingerprintSecret`, `password`, `OPENAI_API_KEY`, and the
// key lists of `providers[].keys`.
const SECRET_KEY = /^(keys|.*(token|secret|password|passwd|api[-_]?key|credential)s?)$/i;

// A reference to the environment with no default (or an empty one): the value itself lives in a Secret.
const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-)?\}$/;

/**
 * Literal secrets in ConfigMaps: anything shaped like a token, key or URL password, and any non-reference value under
 * a secret-named key, in the data as text and in data that parses as YAML (a Tollgate configuration file).
 * Returns one line per finding, naming the ConfigMap, the data key and the path; never the value.
 */
export function findSecretsInConfigMaps(objects: KubeObject[]): string[] {
  const findings: string[] = [];
  for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
    const data = (configMap as { data?: Record<string, string> }).data ?? {};
    for (const [dataKey, text] of Object.entries(data)) {
      const where = `${describeObject(configMap)} data.${dataKey}`;
      for (const shape of SECRET_SHAPES) if (shape.pattern.test(text)) findings.push(`${where} contains ${shape.what}`);
      if (SECRET_KEY.test(dataKey) && text.trim() !== '' && !ENV_REFERENCE.test(text.trim())) {
        findings.push(`${where} is named like a secret and holds a literal value`);
      }
      for (const path of literalSecretPaths(parseYamlOrUndefined(text), false, '')) {
        findings.push(`${where} at ${path} holds a literal value (use a \${VARIABLE} filled from a Secret)`);
      }
    }
  }
  return findings;
}

function parseYamlOrUndefined(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

/** Paths of values under secret-named keys that are neither empty nor an environment reference. */
function literalSecretPaths(node: unknown, underSecretKey: boolean, path: string): string[] {
  if (typeof node === 'number') return underSecretKey ? [path || '(root)'] : [];
  if (typeof node === 'string') return underSecretKey && node !== '' && !ENV_REFERENCE.test(node) ? [path || '(root)'] : [];
  if (Array.isArray(node)) return node.flatMap((item, index) => literalSecretPaths(item, underSecretKey, `${path}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => literalSecretPaths(value, SECRET_KEY.test(key), path ? `${path}.${key}` : key));
  }
  return [];
}
