/** The signed-in session, remembered in localStorage until the token expires or the user signs out. */
export interface Session {
  token: string;
  username: string;
  expiresAt: number;
}

const KEY = 'herald.session';

export function loadSession(now = Date.now()): Session | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (s && typeof s.token === 'string' && typeof s.username === 'string' && s.expiresAt > now) return s;
  } catch {
    /* corrupt: treated as signed out */
  }
  localStorage.removeItem(KEY);
  return undefined;
}

export function forgetSession(): void {
  localStorage.removeItem(KEY);
}

/** Signs in with directory credentials; resolves to the session or rejects with the server's message. */
export async function signIn(username: string, password: string, fallbackError: string): Promise<Session> {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const data = (await res.json().catch(() => ({}))) as { token?: string; expiresIn?: number; message?: string };
  if (!res.ok || !data.token) throw new Error(data.message || fallbackError);
  const session: Session = { token: data.token, username, expiresAt: Date.now() + (data.expiresIn ?? 3_600) * 1_000 };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** The SDK's storage for one user: keys are prefixed, so two people sharing a browser never share a seen-set. */
export function userStorage(username: string): { getItem(k: string): string | null; setItem(k: string, v: string): void } {
  return {
    getItem: (k) => localStorage.getItem(`${username}:${k}`),
    setItem: (k, v) => {
      try {
        localStorage.setItem(`${username}:${k}`, v);
      } catch {
        /* quota exceeded: de-duplication falls back to this page's memory */
      }
    },
  };
}
