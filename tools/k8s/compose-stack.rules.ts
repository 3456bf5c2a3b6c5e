import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseDurationMs, type TollgateConfig } from '@tollgate/platform';
import { parse as parseYaml } from 'yaml';

/** The parts of a compose service these rules read. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  read_only?: boolean;
  cap_drop?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

const REQUIRED_SERVICES = ['redis', 'postgres', 'jaeger', 'migrate', 'recorder', 'gateway', 'load-balancer'];
const OTLP_ENDPOINT = 'http://jaeger:4318';
const DEPENDENCY_CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
const REQUIRED_BY_COMPOSE = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?/;

/** A value an operator could have set for a required variable: long enough and `tg_…`, valid for any secret field. */
function standIn(variable: string): string {
  return `tg_compose_${variable.toLowerCase()}_${'0'.repeat(24)}`;
}

/** Parses docker-compose.yml as compose does: YAML merge keys (`<<: *anchor`) are expanded. */
export function parseComposeFile(text: string): ComposeFile {
  return parseYaml(text, { merge: true }) as ComposeFile;
}

/**
 * What `docker compose up --build` relies on, checked without a Docker engine: the services exist, dependencies name
 * real services with the conditions they can meet, bind-mounted files exist, the mounted Tollgate configurations load
 * and listen on 0.0.0.0, traces go to Jaeger, and the gateway gets time to drain. Returns one line per problem.
 */
export function checkComposeStack(compose: ComposeFile, repositoryRoot: string): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  for (const name of REQUIRED_SERVICES) if (!services[name]) problems.push(`service ${name} is missing`);

  for (const [name, service] of Object.entries(services)) {
    if (!service.image && !service.build) problems.push(`service ${name} has neither image nor build`);
    for (const [dependency, condition] of dependencies(service)) {
      const target = services[dependency];
      if (!target) problems.push(`service ${name} depends on unknown service ${dependency}`);
      else if (!DEPENDENCY_CONDITIONS.has(condition)) problems.push(`service ${name}: unknown depends_on condition ${condition}`);
      else if (condition === 'service_healthy' && !target.healthcheck && !target.build) {
        problems.push(`service ${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      if (source.startsWith('.') && !existsSync(join(repositoryRoot, source))) problems.push(`service ${name} mounts missing file ${source}`);
    }
  }

  const gateway = services.gateway;
  if (gateway) {
    if ((gateway.deploy?.replicas ?? 1) < 2) problems.push('service gateway must run at least two replicas behind the load balancer');
    if (!dependencies(services['load-balancer'] ?? {}).some(([name, condition]) => name === 'gateway' && condition === 'service_healthy')) {
      problems.push('service load-balancer must wait for a healthy gateway');
    }
    problems.push(...checkTollgateService('gateway', gateway, repositoryRoot, true));
  }
  if (services.recorder) problems.push(...checkTollgateService('recorder', services.recorder, repositoryRoot, true));
  if (services.migrate) {
    problems.push(...checkTollgateService('migrate', services.migrate, repositoryRoot, false));
    if (!String(services.migrate.command).includes('migrate')) problems.push('service migrate must run the `migrate` command');
    const waitsForMigration = dependencies(services.recorder ?? {}).some(([name, condition]) => name === 'migrate' && condition === 'service_completed_successfully');
    if (!waitsForMigration) problems.push('service recorder must wait for migrate to complete successfully');
  }
  return problems;
}

function checkTollgateService(name: string, service: ComposeService, repositoryRoot: string, longRunning: boolean): string[] {
  const problems: string[] = [];
  if (service.read_only !== true) problems.push(`service ${name} must run with read_only: true`);
  if (!(service.cap_drop ?? []).includes('ALL')) problems.push(`service ${name} must drop ALL capabilities`);
  if (longRunning && service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT !== OTLP_ENDPOINT) {
    problems.push(`service ${name} must send traces to ${OTLP_ENDPOINT} (OTEL_EXPORTER_OTLP_ENDPOINT)`);
  }
  if (longRunning && !service.healthcheck) problems.push(`service ${name} has no healthcheck`);
  const config = mountedConfig(name, service, repositoryRoot);
  if ('problem' in config) return [...problems, `service ${name}: ${config.problem}`];
  if (config.config.server.host !== '0.0.0.0') problems.push(`service ${name}: its configuration must set server.host 0.0.0.0`);
  if (name === 'gateway') {
    const { graceMs, drainTimeoutMs } = config.config.server.shutdown;
    const stopGraceMs = parseDurationMs(service.stop_grace_period ?? '10s') ?? 0; // compose's default is 10 s
    if (stopGraceMs < graceMs + drainTimeoutMs) {
      problems.push(`service gateway: stop_grace_period ${service.stop_grace_period ?? '10s'} is shorter than shutdown grace + drain timeout (${(graceMs + drainTimeoutMs) / 1000}s)`);
    }
  }
  return problems;
}

/** The configuration a Tollgate service loads: TOLLGATE_CONFIG, bind-mounted from the repository. */
function mountedConfig(name: string, service: ComposeService, repositoryRoot: string): { config: TollgateConfig } | { problem: string } {
  const path = service.environment?.TOLLGATE_CONFIG;
  if (typeof path !== 'string') return { problem: 'sets no TOLLGATE_CONFIG' };
  const mount = (service.volumes ?? []).map((volume) => volume.split(':')).find(([, target]) => target === path);
  if (!mount) return { problem: `mounts nothing at TOLLGATE_CONFIG ${path}` };
  const file = join(repositoryRoot, mount[0]);
  if (!existsSync(file)) return { problem: `mounts missing file ${mount[0]}` };
  // Compose passes unset shell variables as empty strings, as the stack does for a first `docker compose up`; a
  // variable compose requires (`${VAR:?message}`) stops `docker compose up` when unset, so here it has a stand-in.
  const env = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, typeof value === 'string' && REQUIRED_BY_COMPOSE.test(value) ? standIn(key) : '']),
  );
  try {
    return { config: loadConfig({ document: parseYaml(readFileSync(file, 'utf8')), env, servesGateway: name === 'gateway' }) };
  } catch (error) {
    return { problem: `${mount[0]} does not load with the stack's environment: ${(error as Error).message}` };
  }
}

function dependencies(service: ComposeService): Array<[string, string]> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return dependsOn.map((name) => [name, 'service_started']);
  return Object.entries(dependsOn).map(([name, spec]) => [name, spec?.condition ?? 'service_started']);
}
