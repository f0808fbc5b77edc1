/**
 * The signed-in session, remembered in localStorage until the refresh token expires or the user signs out. The
 * access token is short-lived (15 min by default); the refresh token trades it for a new one.
 */
export interface Session {
  token: string;
  username: string;
  expiresAt: number;
  refreshToken?: string;
}

interface TokenReply {
  token?: string;
  expiresIn?: number;
  refreshToken?: string;
  refreshExpiresIn?: number;
  message?: string;
}

function remember(username: string, data: TokenReply): Session {
  const session: Session = { token: data.token!, username, refreshToken: data.refreshToken, expiresAt: Date.now() + (data.refreshExpiresIn ?? data.expiresIn ?? 3_600) * 1_000 };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
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
  const data = (await res.json().catch(() => ({}))) as TokenReply;
  if (!res.ok || !data.token) throw new Error(data.message || fallbackError);
  return remember(username, data);
}

/** Trades the refresh token for a new session (roles re-read by the server); undefined when the session is over. */
export async function refreshSession(session: Session): Promise<Session | undefined> {
  if (!session.refreshToken) return undefined;
  const res = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refreshToken }) }).catch(() => undefined);
  const data = res?.ok ? ((await res.json().catch(() => ({}))) as TokenReply) : {};
  return data.token ? remember(session.username, data) : undefined;
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

/**
 * A call to Herald's API as the signed-in user. A refused (expired) access token is traded for a new one through
 * `refresh`, which must be the one refresher the page shares with its socket: refresh tokens are single-use, and two
 * refreshes with the same one look like a replay, which revokes the session.
 */
export async function apiFetch(path: string, init: RequestInit, token: () => string, refresh: () => Promise<string | undefined>): Promise<Response> {
  const call = (t: string) => fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${t}` } });
  const used = token();
  const res = await call(used);
  if (res.status !== 401) return res;
  // Someone else (the socket) may have refreshed meanwhile: use their token rather than refreshing again.
  const next = token() !== used ? token() : await refresh();
  return next ? call(next) : res;
}

/**
 * The signed-in session as a page uses it: the current token, the one refresher shared by everything on the page
 * (socket, API calls, live streams) and API calls through it. Refreshes are serialised: a refresh token works once,
 * and two concurrent refreshes with it look like a replay, which revokes the session.
 */
export class LiveSession {
  private refreshing?: Promise<string | undefined>;

  constructor(private session: Session) {}

  get username(): string {
    return this.session.username;
  }

  readonly token = (): string => this.session.token;

  /** A new access token, or undefined when the session is over; callers arriving during a refresh share it. */
  readonly refresh = (): Promise<string | undefined> =>
    (this.refreshing ??= acrossTabs(() => this.refreshOnce())
      .then((next) => {
        if (next) this.session = next;
        return next?.token;
      })
      .finally(() => (this.refreshing = undefined)));

  /**
   * Another tab of this origin (the recipient client beside the crisis board) shares the stored session: when it has
   * already traded our refresh token, its result is ours too, rather than a replay that would revoke both.
   */
  private async refreshOnce(): Promise<Session | undefined> {
    const stored = loadSession();
    if (stored && stored.username === this.session.username && stored.refreshToken !== this.session.refreshToken) return stored;
    return refreshSession(this.session);
  }

  /** `apiFetch` as this session. */
  readonly api = (path: string, init: RequestInit = {}): Promise<Response> => apiFetch(path, init, this.token, this.refresh);
}

/** Runs `work` while holding the page-wide refresh lock (Web Locks), so two tabs never refresh at once. */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('herald.session.refresh', work) : work();
}

/**
 * The roles named in an access token, for what a page offers (a button only some roles may use). A hint only: the
 * server checks every request; an unreadable token has no roles.
 */
export function rolesOf(token: string): string[] {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}
