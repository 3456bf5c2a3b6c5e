import type { TollgateConfig } from './tollgate-config';

/** The gateway token `npm start` accepts when TOLLGATE_TOKEN is unset (tollgate.yaml). */
export const LOCAL_DEV_TOKEN = 'tg_local_dev_token';
/** The fingerprint secret used when neither the file nor TOLLGATE_KEY_FINGERPRINT_SECRET sets one. */
export const PUBLIC_FINGERPRINT_SECRET = 'tollgate-key-fingerprint';
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Problems of a gateway that would accept the publicly known development token or name keys with the publicly known
 * fingerprint secret while reachable from other machines: those defaults are for a gateway bound to loopback only.
 * One line per problem, naming the environment variable to set.
 */
export function publicDefaultProblems(config: TollgateConfig): string[] {
  const { host } = config.server;
  if (isLoopbackHost(host)) return [];
  const problems: string[] = [];
  config.auth.tokens.forEach((entry, index) => {
    if (entry.token === LOCAL_DEV_TOKEN) {
      problems.push(
        `auth.tokens[${index}].token: the local development token ${LOCAL_DEV_TOKEN} works only on a loopback server.host, not ${host}: set TOLLGATE_TOKEN to a token of your own (e.g. "tg_$(openssl rand -hex 24)")`,
      );
    }
  });
  if (config.keyPool.fingerprintSecret === PUBLIC_FINGERPRINT_SECRET) {
    problems.push(
      `keyPool.fingerprintSecret: the public default works only on a loopback server.host, not ${host}: set TOLLGATE_KEY_FINGERPRINT_SECRET (e.g. "$(openssl rand -hex 32)"), the same on every replica`,
    );
  }
  return problems;
}
