import { probeReachability, type ProbeResult, type RecordingTransportProbe } from '@tollgate/recording';
import type { TollgateDataSource } from './data-source.factory';

/** Whether the database the all-in-one records into answers a trivial query (default within 1 s). */
export class DatabaseTransportProbe implements RecordingTransportProbe {
  private readonly target: string;

  constructor(
    private readonly dataSource: TollgateDataSource,
    private readonly timeoutMs = 1_000,
  ) {
    this.target = dataSource.embedded ? 'embedded database (PGlite)' : `database ${serverAndName(dataSource)}`;
  }

  check(): Promise<ProbeResult> {
    return probeReachability(this.target, this.timeoutMs, () => this.dataSource.query('SELECT 1'));
  }
}

/** `host:port/name` of the connection URL, without the credentials it may carry. */
function serverAndName(dataSource: TollgateDataSource): string {
  const url = 'url' in dataSource.options ? dataSource.options.url : undefined;
  if (!url || !URL.canParse(url)) return '(postgres)';
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
