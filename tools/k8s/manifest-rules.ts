import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { TollgateConfig } from '@tollgate/platform';
import { consumedQueueNames, recordingQueueNames } from '@tollgate/recording';
import { findSecretsInConfigMaps } from './configmap-secrets.rule';
import { describeObject, type KubeObject } from './kustomize.runner';
import { mountedTollgateConfig } from './mounted-config';
import { allContainers, podWorkloads, preStopSleepSeconds, selects, workloadsWithLabels, type PodWorkload } from './pod-workloads';

export const GATEWAY_POD_LABELS = { 'app.kubernetes.io/name': 'tollgate', 'app.kubernetes.io/component': 'gateway' };
export const RECORDER_POD_LABELS = { 'app.kubernetes.io/name': 'tollgate', 'app.kubernetes.io/component': 'recorder' };
/** Tollgate's own workloads (not the dev databases) carry this label; their images run as `node`, uid 1000. */
const TOLLGATE_PART_OF = { 'app.kubernetes.io/part-of': 'tollgate' };
const TOLLGATE_UID = 1000;

/**
 * The deployment rules for one rendered overlay. Returns one line per broken rule, naming the object and container;
 * empty when every rule holds.
 */
export function checkManifestRules(objects: KubeObject[]): string[] {
  return [
    ...podWorkloads(objects).flatMap(checkWorkload),
    ...checkGateway(objects),
    ...checkRecorder(objects),
    ...findSecretsInConfigMaps(objects),
  ];
}

/** Every container of every workload: resources, hardening, a writable /tmp, a pinned image, probes on Deployments. */
function checkWorkload(workload: PodWorkload): string[] {
  const problems: string[] = [];
  const { object, podSpec } = workload;
  const ownWorkload = selects(TOLLGATE_PART_OF, object.metadata.labels);
  for (const container of allContainers(podSpec)) {
    const where = `${describeObject(object)} container ${container.name}`;
    const say = (problem: string): void => void problems.push(`${where}: ${problem}`);
    const { requests, limits } = container.resources ?? {};
    for (const resource of ['cpu', 'memory']) {
      if (requests?.[resource] === undefined) say(`sets no resources.requests.${resource}`);
      if (limits?.[resource] === undefined) say(`sets no resources.limits.${resource}`);
    }
    const security = container.securityContext ?? {};
    const podSecurity = podSpec.securityContext ?? {};
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) say('must set runAsNonRoot: true');
    const uid = security.runAsUser ?? podSecurity.runAsUser;
    if (uid === undefined || uid === 0) say('must run as a non-zero runAsUser');
    if (ownWorkload && uid !== TOLLGATE_UID) say(`must run as uid ${TOLLGATE_UID} (the image's node user), not ${uid}`);
    if (security.readOnlyRootFilesystem !== true) say('must set readOnlyRootFilesystem: true');
    if (security.allowPrivilegeEscalation !== false) say('must set allowPrivilegeEscalation: false');
    if (!(security.capabilities?.drop ?? []).includes('ALL')) say('must drop ALL capabilities');
    if ((security.seccompProfile ?? podSecurity.seccompProfile)?.type !== 'RuntimeDefault') say('must use the RuntimeDefault seccomp profile');
    if (!mountsEmptyDirAt(podSpec, container, '/tmp')) say('must mount an emptyDir at /tmp (the root filesystem is read-only)');
    const tag = imageTag(container.image);
    if (!tag || tag === 'latest') say(`image ${container.image ?? '(none)'} must name a version tag, not latest`);
    if (object.kind === 'Deployment') {
      if (!container.readinessProbe) say('has no readinessProbe');
      if (!container.livenessProbe) say('has no livenessProbe');
    }
  }
  return problems;
}

function checkGateway(objects: KubeObject[]): string[] {
  const deployments = workloadsWithLabels(objects, GATEWAY_POD_LABELS).filter(({ object }) => object.kind === 'Deployment');
  if (deployments.length !== 1) return [`expected one gateway Deployment (pod labels ${JSON.stringify(GATEWAY_POD_LABELS)}), found ${deployments.length}`];
  const [gateway] = deployments;
  const container = gateway.podSpec.containers.find((candidate) => candidate.name === 'gateway');
  if (!container) return [`${describeObject(gateway.object)}: has no container named gateway`];
  const where = `${describeObject(gateway.object)} container gateway`;
  const problems = [
    ...checkHttpProbe(where, 'readinessProbe', container.readinessProbe, '/readyz', container),
    ...checkHttpProbe(where, 'livenessProbe', container.livenessProbe, '/healthz', container),
  ];
  if ((gateway.object.spec as { replicas?: number }).replicas !== undefined) {
    problems.push(`${describeObject(gateway.object)}: sets spec.replicas, but the HorizontalPodAutoscaler owns the replica count`);
  }

  const mounted = mountedTollgateConfig(objects, gateway.object.metadata.namespace, gateway.podSpec, container);
  if ('problem' in mounted) {
    problems.push(`${where}: ${mounted.problem}`);
  } else {
    if (mounted.config.server.host !== '0.0.0.0') problems.push(`${where}: ${mounted.path} must set server.host 0.0.0.0 (probes and the Service reach the pod IP)`);
    problems.push(...checkDrainDeadline(gateway, container, mounted.config.server.shutdown));
  }
  problems.push(...checkAutoscaler(objects, gateway), ...checkDisruptionBudget(objects, gateway), ...checkService(objects, gateway, container));
  return problems;
}

/** SIGTERM comes after the preStop hook; the process then needs the shutdown grace plus the drain timeout. */
function checkDrainDeadline(gateway: PodWorkload, container: IContainer, shutdown: { graceMs: number; drainTimeoutMs: number }): string[] {
  const preStop = preStopSleepSeconds(container);
  const needed = preStop + (shutdown.graceMs + shutdown.drainTimeoutMs) / 1000;
  const granted = gateway.podSpec.terminationGracePeriodSeconds ?? 30; // Kubernetes' default
  const problems: string[] = [];
  if (preStop <= 0) problems.push(`${describeObject(gateway.object)} container gateway: needs a preStop sleep, so endpoints drop the pod before SIGTERM`);
  if (granted < needed) {
    problems.push(
      `${describeObject(gateway.object)}: terminationGracePeriodSeconds ${granted} is shorter than preStop ${preStop}s + shutdown grace ` +
        `${shutdown.graceMs / 1000}s + drain timeout ${shutdown.drainTimeoutMs / 1000}s = ${needed}s`,
    );
  }
  return problems;
}

function checkAutoscaler(objects: KubeObject[], gateway: PodWorkload): string[] {
  const autoscalers = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler');
  const targeting = autoscalers.filter((hpa) => {
    const target = (hpa.spec as { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } }).scaleTargetRef;
    return (
      hpa.apiVersion === 'autoscaling/v2' &&
      hpa.metadata.namespace === gateway.object.metadata.namespace &&
      target?.apiVersion === 'apps/v1' &&
      target.kind === 'Deployment' &&
      target.name === gateway.object.metadata.name
    );
  });
  if (targeting.length !== 1) {
    return [`expected one autoscaling/v2 HorizontalPodAutoscaler targeting apps/v1 Deployment ${gateway.object.metadata.name}, found ${targeting.length}`];
  }
  const { minReplicas = 1, maxReplicas } = targeting[0].spec as { minReplicas?: number; maxReplicas: number };
  return minReplicas > maxReplicas ? [`${describeObject(targeting[0])}: minReplicas ${minReplicas} exceeds maxReplicas ${maxReplicas}`] : [];
}

function checkDisruptionBudget(objects: KubeObject[], gateway: PodWorkload): string[] {
  const covering = objects.filter(
    (object) =>
      object.kind === 'PodDisruptionBudget' &&
      object.metadata.namespace === gateway.object.metadata.namespace &&
      selects((object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels, gateway.template.metadata?.labels),
  );
  return covering.length > 0 ? [] : [`no PodDisruptionBudget selects the gateway pods of ${describeObject(gateway.object)}`];
}

function checkService(objects: KubeObject[], gateway: PodWorkload, container: IContainer): string[] {
  const services = objects.filter(
    (object) =>
      object.kind === 'Service' &&
      object.metadata.namespace === gateway.object.metadata.namespace &&
      selects((object.spec as { selector?: Record<string, string> }).selector, gateway.template.metadata?.labels),
  );
  if (services.length === 0) return [`no Service selects the gateway pods of ${describeObject(gateway.object)}`];
  const problems: string[] = [];
  for (const service of services) {
    for (const port of (service.spec as { ports?: Array<{ port: number; targetPort?: number | string }> }).ports ?? []) {
      const target = port.targetPort ?? port.port;
      if (!containerPortNumber(container, target)) problems.push(`${describeObject(service)}: targetPort ${target} is not a port of the gateway container`);
    }
  }
  return problems;
}

function checkRecorder(objects: KubeObject[]): string[] {
  const recorders = workloadsWithLabels(objects, RECORDER_POD_LABELS).filter(({ object }) => object.kind === 'Deployment');
  if (recorders.length !== 1) return [`expected one recorder Deployment (pod labels ${JSON.stringify(RECORDER_POD_LABELS)}), found ${recorders.length}`];
  const [recorder] = recorders;
  const container = recorder.podSpec.containers.find((candidate) => candidate.name === 'recorder');
  if (!container) return [`${describeObject(recorder.object)}: has no container named recorder`];
  const where = `${describeObject(recorder.object)} container recorder`;
  const problems = checkHttpProbe(where, 'livenessProbe', container.livenessProbe, '/healthz', container);
  const mounted = mountedTollgateConfig(objects, recorder.object.metadata.namespace, recorder.podSpec, container);
  if ('problem' in mounted) return [...problems, `${where}: ${mounted.problem}`];
  const { host, port } = mounted.config.server;
  if (host !== '0.0.0.0') problems.push(`${where}: ${mounted.path} must set server.host 0.0.0.0 (the kubelet probes the pod IP)`);
  const probedPort = container.livenessProbe?.httpGet ? containerPortNumber(container, container.livenessProbe.httpGet.port) : undefined;
  if (probedPort !== undefined && probedPort !== port) problems.push(`${where}: the liveness probe targets port ${probedPort} but the recorder listens on ${port}`);
  problems.push(...checkSameQueue(objects, mounted.config.recording, where));
  return problems;
}

/** The gateway queues events where the recorder reads them: the same queue, and every shard of it, on the same kind of Redis. */
function checkSameQueue(objects: KubeObject[], recording: TollgateConfig['recording'], where: string): string[] {
  const [gateway] = workloadsWithLabels(objects, GATEWAY_POD_LABELS);
  const container = gateway?.podSpec.containers.find((candidate) => candidate.name === 'gateway');
  if (!gateway || !container) return [];
  const mounted = mountedTollgateConfig(objects, gateway.object.metadata.namespace, gateway.podSpec, container);
  if ('problem' in mounted) return [];
  const theirs = mounted.config.recording;
  if (theirs.queueName !== recording.queueName || theirs.queuePrefix !== recording.queuePrefix) {
    return [`${where}: reads queue ${recording.queuePrefix}/${recording.queueName} but the gateway writes ${theirs.queuePrefix}/${theirs.queueName}`];
  }
  if ((theirs.redisCluster.length > 0) !== (recording.redisCluster.length > 0)) {
    return [`${where}: ${recording.redisCluster.length > 0 ? 'reads the queue on recording.redisCluster' : 'reads the queue on REDIS_URL'} but the gateway writes it ${theirs.redisCluster.length > 0 ? 'on recording.redisCluster' : 'on REDIS_URL'}`];
  }
  const written = recordingQueueNames({ queueName: theirs.queueName, shards: theirs.queueShards, onCluster: theirs.redisCluster.length > 0 });
  const read = new Set(consumedQueueNames({ queueName: recording.queueName, shards: recording.queueShards, onCluster: recording.redisCluster.length > 0 }, recording.drainQueueShards));
  const unread = written.filter((name) => !read.has(name));
  return unread.length === 0
    ? []
    : [`${where}: reads ${recording.queueShards} queue shard(s) but the gateway writes ${theirs.queueShards} (recording.queueShards); no recorder reads ${unread.join(', ')}`];
}

function checkHttpProbe(where: string, kind: string, probe: IProbe | undefined, path: string, container: IContainer): string[] {
  if (!probe?.httpGet) return [`${where}: needs an HTTP ${kind} on ${path}`];
  const problems: string[] = [];
  if (probe.httpGet.path !== path) problems.push(`${where}: ${kind} must GET ${path}, not ${probe.httpGet.path ?? '/'}`);
  if (containerPortNumber(container, probe.httpGet.port) === undefined) problems.push(`${where}: ${kind} port ${probe.httpGet.port} is not a declared container port`);
  return problems;
}

function containerPortNumber(container: IContainer, port: number | string): number | undefined {
  const match = (container.ports ?? []).find((candidate) => (typeof port === 'number' ? candidate.containerPort === port : candidate.name === port));
  return match?.containerPort;
}

function mountsEmptyDirAt(podSpec: IPodSpec, container: IContainer, path: string): boolean {
  const mount = (container.volumeMounts ?? []).find((candidate) => candidate.mountPath.replace(/\/+$/, '') === path);
  return mount !== undefined && podSpec.volumes?.find((volume) => volume.name === mount.name)?.emptyDir !== undefined;
}

function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return image.includes('@') ? 'digest' : colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}
