import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object, as YAML gives it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Renderer {
  command: string;
  args: (directory: string) => string[];
}

// Standalone kustomize if installed, else the one built into kubectl (tools/ci/install-k8s-tools.sh provides one).
const RENDERERS: Renderer[] = [
  { command: 'kustomize', args: (directory) => ['build', directory] },
  { command: 'kubectl', args: (directory) => ['kustomize', directory] },
];

let chosen: Renderer | undefined;

function findRenderer(): Renderer {
  if (chosen) return chosen;
  for (const renderer of RENDERERS) {
    try {
      execFileSync(renderer.command, renderer.command === 'kubectl' ? ['version', '--client'] : ['version'], { stdio: 'ignore' });
      chosen = renderer;
      return renderer;
    } catch {
      // not installed: try the next one
    }
  }
  throw new Error('neither kustomize nor kubectl is on PATH: run tools/ci/install-k8s-tools.sh');
}

/** Renders a kustomization directory (`kustomize build`) into its objects. Throws on a render or YAML error. */
export function renderKustomization(directory: string): KubeObject[] {
  const renderer = findRenderer();
  const output = execFileSync(renderer.command, renderer.args(directory), { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  return parseManifests(output, `${renderer.command} ${renderer.args(directory).join(' ')}`);
}

/** Parses a multi-document YAML stream; empty documents are skipped, a malformed one throws. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0].message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value)) throw new Error(`${source}: a document is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    objects.push(value);
  }
  return objects;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<KubeObject>;
  return typeof candidate.apiVersion === 'string' && typeof candidate.kind === 'string' && typeof candidate.metadata?.name === 'string';
}

/** `Kind/name` (and the namespace, when set): how problems name an object. */
export function describeObject(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}${object.metadata.namespace ? ` (namespace ${object.metadata.namespace})` : ''}`;
}
