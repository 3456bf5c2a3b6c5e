import { useState } from 'react';
import { ApiFailure, unwrap } from '../api/api-client';
import { useConsole } from '../api/api-context';
import { Badge } from '../components/badges';
import { formatAgo, formatCountdown, formatDateTime } from '../components/format';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { useLoad, useNow } from '../components/use-load';

const REASONS: Record<string, string> = {
  rate_limited: 'Rate-limited (429)',
  unauthorized: 'Rejected the key (401)',
  forbidden: 'Forbidden (403)',
};

export function KeyPoolsPage() {
  const { api } = useConsole();
  const pools = useLoad(async () => {
    const requestedAt = Date.now();
    const data = await unwrap(api.GET('/admin/v1/providers'));
    // Countdowns run on the gateway's clock: how far this browser's clock is off.
    return { ...data, skewMs: new Date(data.now).getTime() - (requestedAt + Date.now()) / 2 };
  }, [], 5_000);
  const now = useNow(1000);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | undefined>();

  const enable = async (provider: string, position: number, hint: string) => {
    try {
      await unwrap(api.POST('/admin/v1/providers/{name}/keys/{position}/enable', { params: { path: { name: provider, position } } }));
      setNotice({ tone: 'success', text: `${provider} key ${hint} is valid again, on every replica.` });
      pools.reload();
    } catch (error) {
      setNotice({ tone: 'error', text: `Could not re-enable ${hint}: ${(error as ApiFailure).message}` });
    }
  };

  return (
    <>
      <div className="page-header">
        <h1>Key pools</h1>
        <button type="button" className="button-secondary" onClick={pools.reload}>
          Refresh
        </button>
      </div>
      <p className="lead">
        Each provider's keys, tried in order. A <strong>cooling</strong> key is skipped until its countdown ends; a <strong>disabled</strong> key
        until someone re-enables it. Keys are shown by hint only. Updates every 5 seconds.
      </p>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {pools.error && <ErrorState error={pools.error} what="the key pools" onRetry={pools.reload} />}
      {!pools.data && !pools.error && <Loading what="the key pools" />}
      {pools.data && pools.data.providers.length === 0 && (
        <Empty title="No providers are configured.">
          <p>
            Add providers and their keys under <code>providers:</code> in <code>tollgate.yaml</code>; the gateway picks them up without a restart.
          </p>
        </Empty>
      )}
      {pools.data?.providers.map((provider) => (
        <section key={provider.name} className="card" aria-labelledby={`pool-${provider.name}`}>
          <h2 id={`pool-${provider.name}`}>
            {provider.name} <span className="muted">({upstreamLabel(provider)}, {provider.strategy})</span>
          </h2>
          {provider.keys.length === 0 ? (
            <p>No pooled keys: this provider serves bring-your-own-key requests only. Add keys under its <code>keys:</code> to pool them.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label={`${provider.name} keys`}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Key</th>
                    <th scope="col">State</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Cooldown left</th>
                    <th scope="col">Last use</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {provider.keys.map((key) => {
                    const leftMs = key.until ? new Date(key.until).getTime() - (now + pools.data!.skewMs) : 0;
                    return (
                      <tr key={key.position} data-testid={`key-${provider.name}-${key.position}`}>
                        <td>{key.position}</td>
                        <td>
                          <code>{key.hint}</code>
                        </td>
                        <td>
                          <Badge value={key.state === 'cooling' && leftMs <= 0 ? 'valid' : key.state} />
                        </td>
                        <td>{key.reason ? REASONS[key.reason] : '—'}</td>
                        <td>
                          {key.state === 'cooling' && key.until ? (
                            <time dateTime={key.until} title={`until ${formatDateTime(key.until)}`} className="countdown">
                              {formatCountdown(leftMs)}
                            </time>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>
                          {key.lastUsedAt ? (
                            <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                              {formatAgo(key.lastUsedAt, now)}
                            </time>
                          ) : pools.data!.lastUseRecorded ? (
                            'never recorded'
                          ) : (
                            'not recorded (no database)'
                          )}
                        </td>
                        <td>
                          {key.state !== 'valid' && (
                            <button type="button" onClick={() => enable(provider.name, key.position, key.hint)}>
                              Re-enable <span className="visually-hidden">{key.hint}</span>
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </>
  );
}

/** The provider's type and, when its requests do not go to that provider's own API, where they go. */
function upstreamLabel(provider: { type: string; upstream: string; region: string | null }): string {
  if (provider.upstream === 'bedrock') return `${provider.type} on AWS Bedrock, ${provider.region}`;
  if (provider.upstream === 'azure-openai') return `${provider.type} on Azure OpenAI`;
  return provider.type;
}
