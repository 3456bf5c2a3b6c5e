import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { KubeObject } from './kustomize.runner';

/** An object that runs pods, with its pod template. */
export interface PodWorkload {
  object: KubeObject;
  template: IPodTemplateSpec;
  podSpec: IPodSpec;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob, with its pod template. */
export function podWorkloads(objects: KubeObject[]): PodWorkload[] {
  const workloads: PodWorkload[] = [];
  for (const object of objects) {
    const spec = object.spec as { template?: IPodTemplateSpec; jobTemplate?: { spec?: { template?: IPodTemplateSpec } } } | undefined;
    const template = TEMPLATE_KINDS.has(object.kind) ? spec?.template : object.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : undefined;
    if (template?.spec) workloads.push({ object, template, podSpec: template.spec });
  }
  return workloads;
}

/** Init containers and containers: each of them must meet the container rules. */
export function allContainers(podSpec: IPodSpec): IContainer[] {
  return [...(podSpec.initContainers ?? []), ...podSpec.containers];
}

/** The workloads whose pod template carries every given label. */
export function workloadsWithLabels(objects: KubeObject[], labels: Record<string, string>): PodWorkload[] {
  return podWorkloads(objects).filter((workload) => selects(labels, workload.template.metadata?.labels));
}

/** Whether a label selector (matchLabels) selects a set of labels. An empty selector selects nothing here. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

/** Seconds a container's preStop hook sleeps (`sleep` action, or an exec of `sleep N`); 0 without one. */
export function preStopSleepSeconds(container: IContainer): number {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return 0;
  if (preStop.sleep) return preStop.sleep.seconds;
  const words = (preStop.exec?.command ?? []).flatMap((part) => part.split(/\s+/));
  const sleepAt = words.findIndex((word) => word === 'sleep' || word.endsWith('/sleep'));
  const seconds = sleepAt >= 0 ? Number(words[sleepAt + 1]) : NaN;
  return Number.isFinite(seconds) ? seconds : 0;
}
