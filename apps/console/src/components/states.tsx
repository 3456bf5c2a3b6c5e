import type { ReactNode } from 'react';
import type { ApiFailure } from '../api/api-client';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status">
      Loading {what}…
    </p>
  );
}

/** What went wrong, in the gateway's words, and what to do about it. */
export function ErrorState({ error, onRetry, what }: { error: ApiFailure; onRetry?: () => void; what: string }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {error.message}
      </p>
      {advice(error) && <p>{advice(error)}</p>}
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

function advice(error: ApiFailure): string | undefined {
  if (error.status === 401) return 'Your token is no longer accepted: sign in again.';
  if (error.status === 503) return 'This needs the recording database: start the gateway with DATABASE_URL (the all-in-one `npm start` has one built in).';
  if (error.status >= 500) return 'The gateway failed; its log has the details.';
  return undefined;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

/** A notice after an action: announced to screen readers. */
export function Notice({ tone, children }: { tone: 'success' | 'error'; children: ReactNode }) {
  return (
    <p className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
