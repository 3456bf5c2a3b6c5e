import { loadConfig, type TollgateConfig } from '@tollgate/platform';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from './kustomize.runner';

export type MountedConfig = { path: string; text: string; config: TollgateConfig } | { problem: string };

const REQUIRED_VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The Tollgate configuration a container would load: the file named by its TOLLGATE_CONFIG, read from the ConfigMap
 * volume mounted there, validated by the real config loader. Variables without a default (the Secret's values) are
 * stubbed with distinct `tg_…` strings, which every field that takes a secret accepts.
 */
export function mountedTollgateConfig(objects: KubeObject[], namespace: string | undefined, podSpec: IPodSpec, container: IContainer): MountedConfig {
  const path = container.env?.find((variable) => variable.name === 'TOLLGATE_CONFIG')?.value;
  if (!path) return { problem: 'sets no TOLLGATE_CONFIG' };
  const text = configMapFileAt(objects, namespace, podSpec, container, path);
  if (text === undefined) return { problem: `mounts no ConfigMap file at TOLLGATE_CONFIG ${path}` };
  const env: Record<string, string> = {};
  for (const [, name] of text.matchAll(REQUIRED_VARIABLE)) env[name] = `tg_stub_${name.toLowerCase()}_${'0'.repeat(24)}`;
  try {
    return { path, text, config: loadConfig({ document: parseYaml(text), env }) };
  } catch (error) {
    return { problem: `${path} is not a valid configuration: ${(error as Error).message}` };
  }
}

/** The content of a file under a ConfigMap volume mount of the container, or undefined. */
export function configMapFileAt(objects: KubeObject[], namespace: string | undefined, podSpec: IPodSpec, container: IContainer, path: string): string | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const directory = mount.mountPath.replace(/\/+$/, '');
    const relative = mount.subPath ? (path === directory ? mount.subPath : undefined) : path.startsWith(`${directory}/`) ? path.slice(directory.length + 1) : undefined;
    if (relative === undefined) continue;
    const source = podSpec.volumes?.find((volume) => volume.name === mount.name)?.configMap;
    if (!source?.name) continue;
    const key = source.items ? source.items.find((item) => item.path === relative)?.key : relative;
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === source.name && object.metadata.namespace === namespace);
    const data = (configMap as { data?: Record<string, string> } | undefined)?.data;
    if (key !== undefined && data?.[key] !== undefined) return data[key];
  }
  return undefined;
}
