/**
 * @jest-environment-options {"customExportConditions": ["node", "import"]}
 */
// Renders every kustomization (needs kustomize or kubectl: tools/ci/install-k8s-tools.sh), validates each object
// against the Kubernetes schemas, and checks the deployment rules; then breaks each rule once to prove it is checked.
// Also checks docker-compose.yml and the Dockerfiles, which cannot be built here (no Docker engine).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkComposeStack, parseComposeFile, type ComposeFile } from './compose-stack.rules';
import { findSecretsInConfigMaps } from './configmap-secrets.rule';
import { checkDockerfile } from './dockerfile.rules';
import { validateAgainstSchemas } from './kube-schema.validator';
import { parseManifests, renderKustomization, type KubeObject } from './kustomize.runner';
import { checkManifestRules } from './manifest-rules';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';

const ROOT = join(__dirname, '..', '..');
const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod'];

const rendered = new Map<string, KubeObject[]>();
function render(kustomization: string): KubeObject[] {
  if (!rendered.has(kustomization)) rendered.set(kustomization, renderKustomization(join(ROOT, kustomization)));
  return structuredClone(rendered.get(kustomization)!);
}

function find<T = KubeObject>(objects: KubeObject[], kind: string, namePrefix: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name.startsWith(namePrefix));
  if (!found) throw new Error(`${kind} ${namePrefix}… not rendered`);
  return found as unknown as T;
}
const podSpec = (objects: KubeObject[], kind: 'Deployment' | 'Job', name: string): IPodSpec =>
  find<{ spec: { template: { spec: IPodSpec } } }>(objects, kind, name).spec.template.spec;
const container = (objects: KubeObject[], kind: 'Deployment' | 'Job', name: string): IContainer => podSpec(objects, kind, name).containers[0];
const configData = (objects: KubeObject[], namePrefix: string): Record<string, string> => find<IConfigMap>(objects, 'ConfigMap', namePrefix).data!;
const envValue = (objects: KubeObject[], name: string): string => configData(objects, 'tollgate-env-')[name];
const stringData = (secret: KubeObject): Record<string, string> => (secret as unknown as ISecret).stringData!;

describe.each(KUSTOMIZATIONS)('%s', (kustomization) => {
  it('renders objects that validate against the Kubernetes schemas', () => {
    const objects = render(kustomization);
    expect(objects.length).toBeGreaterThan(5);
    expect(validateAgainstSchemas(objects)).toEqual([]);
  });

  it('keeps every deployment rule', () => {
    expect(checkManifestRules(render(kustomization))).toEqual([]);
  });
});

describe('overlays', () => {
  it('dev runs Redis, Postgres and Jaeger in the cluster and sends traces there', () => {
    const objects = render('k8s/overlays/dev');
    for (const name of ['tollgate-redis', 'tollgate-postgres', 'tollgate-jaeger']) {
      expect(find(objects, 'Deployment', name).metadata.namespace).toBe('tollgate-dev');
      expect(find(objects, 'Service', name).metadata.namespace).toBe('tollgate-dev');
    }
    expect(envValue(objects, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://tollgate-jaeger:4318');
    expect(container(objects, 'Deployment', 'tollgate-gateway').image).toBe('tollgate/gateway:dev');
  });

  it('prod uses external services from the operator Secret, the cluster collector and more replicas', () => {
    const prod = render('k8s/overlays/prod');
    const base = render('k8s/base');
    expect(prod.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(prod.filter((object) => /redis|postgres|jaeger/.test(object.metadata.name))).toEqual([]);
    expect(envValue(prod, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://otel-collector.observability:4318');
    const recorderEnv = container(prod, 'Deployment', 'tollgate-recorder').env ?? [];
    expect(recorderEnv.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('tollgate-connections');
    const minReplicas = (objects: KubeObject[]) => find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'tollgate-gateway').spec!.minReplicas!;
    expect(minReplicas(prod)).toBeGreaterThan(minReplicas(base));
    const recorderReplicas = (objects: KubeObject[]) => find<IDeployment>(objects, 'Deployment', 'tollgate-recorder').spec!.replicas!;
    expect(recorderReplicas(prod)).toBeGreaterThan(recorderReplicas(base));
    expect(prod.every((object) => object.kind === 'Namespace' || object.metadata.namespace === 'tollgate')).toBe(true);
  });

  it('the example Secrets hold every key the manifests and the gateway configuration reference, as placeholders', () => {
    const examples = parseManifests(readFileSync(join(ROOT, 'k8s/examples/tollgate-secrets.example.yaml'), 'utf8'), 'example secrets');
    expect(validateAgainstSchemas(examples)).toEqual([]);
    const keysOf = (name: string): string[] => Object.keys(stringData(find(examples, 'Secret', name)));
    for (const value of examples.flatMap((secret) => Object.values(stringData(secret)))) expect(value).toMatch(/REPLACE_ME/);

    const prod = render('k8s/overlays/prod');
    const referenced = JSON.stringify(prod).matchAll(/"secretKeyRef":\{"name":"([^"]+)","key":"([^"]+)"\}|"secretKeyRef":\{"key":"([^"]+)","name":"([^"]+)"\}/g);
    for (const match of referenced) expect(keysOf(match[1] ?? match[4])).toContain(match[2] ?? match[3]);
    // The values only (comments dropped): every ${VARIABLE} the gateway reads must be a key of tollgate-secrets.
    const gatewayValues = JSON.stringify(parseYaml(configData(prod, 'tollgate-config-')['gateway.yaml']));
    for (const [, variable] of gatewayValues.matchAll(/\$\{([A-Z0-9_]+)(?::-[^}]*)?\}/g)) expect(keysOf('tollgate-secrets')).toContain(variable);
  });
});

describe('each rule catches its breakage', () => {
  type Breakage = [string, (objects: KubeObject[]) => void, RegExp];
  const breakages: Breakage[] = [
    ['gateway readiness probe removed', (o) => delete container(o, 'Deployment', 'tollgate-gateway').readinessProbe, /gateway: has no readinessProbe/],
    ['gateway readiness on /healthz', (o) => (container(o, 'Deployment', 'tollgate-gateway').readinessProbe!.httpGet!.path = '/healthz'), /readinessProbe must GET \/readyz/],
    ['gateway liveness on /readyz', (o) => (container(o, 'Deployment', 'tollgate-gateway').livenessProbe!.httpGet!.path = '/readyz'), /livenessProbe must GET \/healthz/],
    ['recorder liveness removed', (o) => delete container(o, 'Deployment', 'tollgate-recorder').livenessProbe, /recorder: needs an HTTP livenessProbe on \/healthz/],
    ['recorder memory limit removed', (o) => delete container(o, 'Deployment', 'tollgate-recorder').resources!.limits!.memory, /recorder: sets no resources.limits.memory/],
    ['migrate requests removed', (o) => delete container(o, 'Job', 'tollgate-migrate').resources!.requests, /migrate: sets no resources.requests.cpu/],
    [
      'gateway allowed to run as root',
      (o) => {
        container(o, 'Deployment', 'tollgate-gateway').securityContext!.runAsNonRoot = false;
        podSpec(o, 'Deployment', 'tollgate-gateway').securityContext!.runAsNonRoot = false;
      },
      /gateway: must set runAsNonRoot: true/,
    ],
    ['gateway as uid 0', (o) => (container(o, 'Deployment', 'tollgate-gateway').securityContext!.runAsUser = 0), /gateway: must run as a non-zero runAsUser/],
    ['migrate with a writable root filesystem', (o) => (container(o, 'Job', 'tollgate-migrate').securityContext!.readOnlyRootFilesystem = false), /migrate: must set readOnlyRootFilesystem/],
    ['recorder keeps its capabilities', (o) => (container(o, 'Deployment', 'tollgate-recorder').securityContext!.capabilities!.drop = []), /must drop ALL capabilities/],
    ['gateway may escalate privileges', (o) => delete container(o, 'Deployment', 'tollgate-gateway').securityContext!.allowPrivilegeEscalation, /allowPrivilegeEscalation: false/],
    [
      'recorder without seccomp',
      (o) => {
        delete podSpec(o, 'Deployment', 'tollgate-recorder').securityContext!.seccompProfile;
        delete container(o, 'Deployment', 'tollgate-recorder').securityContext!.seccompProfile;
      },
      /recorder: must use the RuntimeDefault seccomp profile/,
    ],
    [
      'gateway without /tmp',
      (o) => {
        const gateway = container(o, 'Deployment', 'tollgate-gateway');
        gateway.volumeMounts = gateway.volumeMounts!.filter((mount) => mount.mountPath !== '/tmp');
      },
      /must mount an emptyDir at \/tmp/,
    ],
    ['gateway image :latest', (o) => (container(o, 'Deployment', 'tollgate-gateway').image = 'tollgate/gateway:latest'), /must name a version tag/],
    ['HPA aimed at the recorder', (o) => (find<IHorizontalPodAutoscaler>(o, 'HorizontalPodAutoscaler', 'tollgate-gateway').spec!.scaleTargetRef.name = 'tollgate-recorder'), /HorizontalPodAutoscaler targeting apps\/v1 Deployment tollgate-gateway, found 0/],
    ['gateway replicas pinned under the HPA', (o) => (find<IDeployment>(o, 'Deployment', 'tollgate-gateway').spec!.replicas = 3), /HorizontalPodAutoscaler owns the replica count/],
    ['PDB selecting the recorder', (o) => (find<IPodDisruptionBudget>(o, 'PodDisruptionBudget', 'tollgate-gateway').spec!.selector!.matchLabels!['app.kubernetes.io/component'] = 'recorder'), /no PodDisruptionBudget selects the gateway pods/],
    ['grace period below the drain', (o) => (podSpec(o, 'Deployment', 'tollgate-gateway').terminationGracePeriodSeconds = 30), /terminationGracePeriodSeconds 30 is shorter than preStop 5s \+ shutdown grace 5s \+ drain timeout 40s = 50s/],
    ['drain timeout raised past the grace period', (o) => replaceInGatewayYaml(o, 'drainTimeout: 40s', 'drainTimeout: 90s'), /terminationGracePeriodSeconds 60 is shorter than .* = 100s/],
    ['gateway without preStop', (o) => delete container(o, 'Deployment', 'tollgate-gateway').lifecycle, /needs a preStop sleep/],
    ['gateway bound to loopback', (o) => replaceInGatewayYaml(o, 'host: 0.0.0.0', 'host: 127.0.0.1'), /must set server.host 0.0.0.0/],
    ['invalid gateway configuration', (o) => replaceInGatewayYaml(o, 'failurePolicy: closed', 'failurePolicy: sometimes'), /gateway.yaml is not a valid configuration: [\s\S]*recording.failurePolicy/],
    ['literal token in the ConfigMap', (o) => replaceInGatewayYaml(o, '"${TOLLGATE_TOKEN_ALICE}"', 'tg_alice_literal_token'), /at auth.tokens\[0\].token holds a literal value/],
    ['token default in the ConfigMap', (o) => replaceInGatewayYaml(o, '${TOLLGATE_ADMIN_TOKEN}', '${TOLLGATE_ADMIN_TOKEN:-letmein}'), /at auth.adminTokens\[0\] holds a literal value/],
    ['Service aimed at a missing port', (o) => (find<IService>(o, 'Service', 'tollgate-gateway').spec!.ports![0].targetPort = 'web'), /targetPort web is not a port of the gateway container/],
    ['recorder reading another queue', (o) => replaceInConfig(o, 'recorder.yaml', 'runMigrationsAtStart: false', 'runMigrationsAtStart: false\n  queueName: elsewhere'), /reads queue tollgate\/elsewhere but the gateway writes tollgate\/tollgate-interceptions/],
    ['gateway sharding the queue, recorder not', (o) => replaceInGatewayYaml(o, 'failurePolicy: closed', 'failurePolicy: closed\n  queueShards: 4'), /reads 1 queue shard\(s\) but the gateway writes 4 \(recording.queueShards\); no recorder reads \{tollgate-interceptions-0\}, /],
    ['recorder sharding the queue, gateway not', (o) => replaceInConfig(o, 'recorder.yaml', 'runMigrationsAtStart: false', 'runMigrationsAtStart: false\n  queueShards: 2'), /reads 2 queue shard\(s\) but the gateway writes 1 \(recording.queueShards\); no recorder reads tollgate-interceptions$/m],
  ];

  it.each(breakages)('%s', (_description, breakIt, expected) => {
    const objects = render('k8s/overlays/prod');
    breakIt(objects);
    expect(checkManifestRules(objects).join('\n')).toMatch(expected);
  });

  it('a schema violation and an unknown kind are reported', () => {
    const objects = render('k8s/overlays/prod');
    find<IDeployment>(objects, 'Deployment', 'tollgate-recorder').spec!.replicas = 'two' as unknown as number;
    objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(validateAgainstSchemas(objects)).toEqual([
      expect.stringMatching(/^Deployment\/tollgate-recorder .*: \/spec\/replicas must be integer/),
      expect.stringMatching(/^Widget\/w: no schema registered/),
    ]);
  });

  function replaceInGatewayYaml(objects: KubeObject[], from: string, to: string): void {
    replaceInConfig(objects, 'gateway.yaml', from, to);
  }
  function replaceInConfig(objects: KubeObject[], file: string, from: string, to: string): void {
    const data = configData(objects, 'tollgate-config-');
    if (!data[file].includes(from)) throw new Error(`${file} does not contain ${from}`);
    data[file] = data[file].replace(from, to);
  }
});

describe('secrets in ConfigMaps', () => {
  const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data }) as KubeObject;

  it('accepts environment references and ordinary values', () => {
    const yaml = 'auth:\n  tokens:\n    - { token: "${T}", user: alice }\n  adminTokens: ["${A:-}"]\nproviders:\n  - keys: ["${K}"]\n';
    expect(findSecretsInConfigMaps([configMap({ 'gateway.yaml': yaml, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', DB_PASSWORD: '' })])).toEqual([]);
  });

  it.each([
    ['a provider key under keys', { 'a.yaml': 'keys: ["abc123"]' }, /data.a.yaml at keys\[0\] holds a literal value/],
    ['an OpenAI-shaped key anywhere', { notes: 'use sk-proj-abcdefghijklmnop1234' }, /data.notes contains a provider key/],
    ['a gateway token anywhere', { notes: 'token is tg_0123456789' }, /data.notes contains a gateway token/],
    ['a password inside a URL', { DATABASE_URL: 'postgres://tollgate:hunter2@db:5432/x' }, /data.DATABASE_URL contains a password inside a URL/],
    ['a secret-named environment entry', { REDIS_PASSWORD: 'hunter2' }, /data.REDIS_PASSWORD is named like a secret/],
    ['a numeric fingerprint secret', { 'a.yaml': 'keyPool:\n  fingerprintSecret: 12345' }, /at keyPool.fingerprintSecret holds a literal value/],
  ])('finds %s', (_what, data, expected) => {
    const findings = findSecretsInConfigMaps([configMap(data as Record<string, string>)]);
    expect(findings.join('\n')).toMatch(expected);
    expect(findings.join('\n')).not.toMatch(/hunter2|abc123|sk-proj|tg_0123/);
  });
});

describe('docker-compose.yml', () => {
  const compose = (): ComposeFile => parseComposeFile(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));

  it('wires the stack: services, health-gated dependencies, mounted configurations, traces and drain time', () => {
    expect(checkComposeStack(compose(), ROOT)).toEqual([]);
  });

  it.each<[string, (file: ComposeFile) => void, RegExp]>([
    ['one gateway replica', (file) => (file.services.gateway.deploy = { replicas: 1 }), /at least two replicas/],
    ['a dependency on a missing service', (file) => (file.services.recorder.depends_on = { kafka: { condition: 'service_healthy' } }), /depends on unknown service kafka/],
    ['a health wait on a service without healthcheck', (file) => delete file.services.redis.healthcheck, /waits for redis to be healthy, but redis has no healthcheck/],
    ['no OTLP endpoint', (file) => delete file.services.gateway.environment!.OTEL_EXPORTER_OTLP_ENDPOINT, /service gateway must send traces to http:\/\/jaeger:4318/],
    ['a short stop grace period', (file) => (file.services.gateway.stop_grace_period = '10s'), /stop_grace_period 10s is shorter than shutdown grace \+ drain timeout \(45s\)/],
    ['a missing config mount', (file) => (file.services.recorder.volumes = []), /service recorder: mounts nothing at TOLLGATE_CONFIG/],
    ['a gateway token compose does not require', (file) => (file.services.gateway.environment!.TOLLGATE_TOKEN = '${TOLLGATE_TOKEN:-}'), /environment variable TOLLGATE_TOKEN is not set/],
    ['a recorder that does not wait for migrations', (file) => delete (file.services.recorder.depends_on as Record<string, unknown>).migrate, /wait for migrate to complete/],
  ])('catches %s', (_what, breakIt, expected) => {
    const file = compose();
    breakIt(file);
    expect(checkComposeStack(file, ROOT).join('\n')).toMatch(expected);
  });

  it('routes the load balancer on /readyz to the gateway service, without buffering', () => {
    const haproxy = readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8').replace(/^\s*#.*$/gm, '');
    expect(haproxy).toMatch(/^\s*http-check send meth GET uri \/readyz$/m);
    expect(haproxy).toMatch(/^\s*server-template \w+ \d+ gateway:8080 check$/m);
    expect(haproxy).not.toMatch(/http-buffer-request|compression/);
    expect(compose().services['load-balancer'].volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });
});

describe('Dockerfiles', () => {
  it.each([
    ['apps/gateway/Dockerfile', 'gateway', 8080],
    ['apps/recorder/Dockerfile', 'recorder', 9464],
  ])('%s keeps the image rules', (path, entry, port) => {
    expect(checkDockerfile(readFileSync(join(ROOT, path), 'utf8'), entry, port)).toEqual([]);
  });

  it.each<[string, (text: string) => string, RegExp]>([
    ['running as root', (text) => text.replace(/^USER node$/m, 'USER root'), /must end as USER node/],
    ['a shell-form CMD', (text) => text.replace(/^CMD \[.*\]$/m, 'CMD node dist/gateway/main.js'), /CMD must use the exec form/],
    ['dev dependencies at runtime', (text) => text.replace('npm ci --omit=dev', 'npm ci'), /npm ci --omit=dev/],
    ['a curl health check', (text) => text.replace(/CMD \["node", "-e", .*\]$/m, 'CMD curl -f http://127.0.0.1:8080/healthz'), /HEALTHCHECK must use node and fetch/],
    ['another Node version', (text) => text.replace('ARG NODE_IMAGE=node:24-slim', 'ARG NODE_IMAGE=node:20-slim'), /must be node:24/],
  ])('catches %s', (_what, breakIt, expected) => {
    const broken = breakIt(readFileSync(join(ROOT, 'apps/gateway/Dockerfile'), 'utf8'));
    expect(checkDockerfile(broken, 'gateway', 8080).join('\n')).toMatch(expected);
  });
});
