import { existsSync, unwatchFile, watchFile } from 'node:fs';
import { ConfigError, loadConfig, type Logger, type TollgateConfig } from '@tollgate/platform';
import type { GatewayRuntime } from '../gateway-runtime';

export type ReloadOutcome = 'applied' | 'rejected';

/**
 * Live reload of the configuration file: on a change of the file (polled, so Kubernetes' ConfigMap symlink swaps
 * are seen too) or on demand (SIGHUP), the file is read and validated again. A valid file swaps providers, keys,
 * tokens and the default BYOK mode in the running gateway; an invalid one is logged with every problem and the running configuration stays.
 */
export class ConfigReloader {
  private watchedPath?: string;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly load: () => TollgateConfig,
    private readonly logger: Logger,
    private readonly onReload: (outcome: ReloadOutcome) => void = () => undefined,
  ) {}

  reload(reason: string): ReloadOutcome {
    let next: TollgateConfig;
    try {
      next = this.load();
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
      this.logger.error({ reason, problems }, 'configuration reload rejected; keeping the running configuration');
      this.onReload('rejected');
      return 'rejected';
    }
    const restartOnly = this.runtime.applyConfig(next);
    if (restartOnly.length > 0) {
      this.logger.warn({ reason, settings: restartOnly }, `configuration reload: these changed settings take effect only after a restart: ${restartOnly.join(', ')}`);
    }
    this.logger.info({ reason, providers: next.providers.map((provider) => provider.name) }, 'configuration reloaded');
    this.onReload('applied');
    return 'applied';
  }

  watch(path: string, intervalMs = 1_000): void {
    this.watchedPath = path;
    watchFile(path, { interval: intervalMs, persistent: false }, (current, previous) => {
      if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) this.reload('file changed');
    });
  }

  close(): void {
    if (this.watchedPath) unwatchFile(this.watchedPath);
  }
}

/**
 * Reloads the running gateway's configuration file when it changes and on SIGHUP. Returns a function that stops
 * watching.
 */
export function enableLiveReload(runtime: GatewayRuntime, logger: Logger): () => void {
  const path = runtime.config.configPath;
  const reloader = new ConfigReloader(runtime, () => loadConfig({ path, servesGateway: true }), logger, (outcome) => runtime.metrics.configReloaded(outcome));
  const onHangup = (): void => void reloader.reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  if (existsSync(path)) reloader.watch(path);
  return () => {
    process.off('SIGHUP', onHangup);
    reloader.close();
  };
}
