import { ApiFailure } from '../api/api-client';

/** Who signed in: an operator (admin token: the whole console) or a user (gateway token: their own page). */
export type Role = 'admin' | 'user';

export interface Session {
  token: string;
  role: Role;
  /** The user's id, for a gateway token. */
  userId?: string;
}

// Per tab and gone when it closes: a token in the console is as powerful as the token itself.
const STORAGE_KEY = 'tollgate.console.session';

export function storedSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Finds out what a token is by what the gateway lets it read: admin routes first, then the caller's own page. */
export async function signIn(token: string): Promise<Session> {
  const headers = { authorization: `Bearer ${token}` };
  try {
    const admin = await fetch('/admin/v1/providers', { headers });
    if (admin.ok) return { token, role: 'admin' };
    if (token.startsWith('tg_')) {
      const me = await fetch('/v1/me', { headers });
      if (me.ok) return { token, role: 'user', userId: ((await me.json()) as { id: string }).id };
    }
  } catch {
    throw new ApiFailure(0, 'network', 'The gateway did not answer. Check that it is running, then try again.');
  }
  throw new ApiFailure(
    401,
    'authentication_error',
    'The gateway did not accept this token. Use an admin token (auth.adminTokens) or a gateway token (tg_…) that has not been revoked.',
  );
}
