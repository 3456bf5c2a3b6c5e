import { useState, type FormEvent } from 'react';
import { ApiFailure } from '../api/api-client';
import { signIn, type Session } from '../auth/session';

export function SignInPage({ onSignedIn, reason }: { onSignedIn: (session: Session) => void; reason?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Tollgate console</h1>
      <p>
        Sign in with an <strong>admin token</strong> to run the gateway, or with your <strong>gateway token</strong> (<code>tg_…</code>) to
        manage your own keys and see your usage.
      </p>
      {reason && (
        <p className="notice notice-error" role="alert">
          {reason}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <label htmlFor="token">Admin token or gateway token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" className="help">
          Kept in this browser tab only, and sent to this gateway only.
        </p>
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
