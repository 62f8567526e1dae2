import { create } from 'zustand';

export type Role = 'customer' | 'staff' | 'admin';

export interface SessionUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
}

interface SessionState {
  token: string | null;
  expiresAt: number | null;
  user: SessionUser | null;
  signIn: (token: string, expiresInSeconds: number) => void;
  setUser: (user: SessionUser) => void;
  signOut: () => void;
}

/**
 * The access token lives in memory. A copy goes to sessionStorage (never localStorage) so a
 * reload of the same tab keeps the shopper signed in; closing the tab ends the session.
 * See docs/adr (frontend session) for why.
 */
const STORAGE_KEY = 'shop.session';

interface Persisted {
  token: string;
  expiresAt: number;
}

function readPersisted(): Persisted | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Persisted>;
    if (typeof value.token !== 'string' || typeof value.expiresAt !== 'number') return null;
    if (value.expiresAt <= Date.now()) {
      sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return { token: value.token, expiresAt: value.expiresAt };
  } catch {
    return null;
  }
}

function writePersisted(value: Persisted | null) {
  try {
    if (value) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode or storage disabled: the session simply ends with the page.
  }
}

/** Reads the role claim without trusting it: the services verify the signature, the UI only uses it to pick a menu. */
export function roleFromToken(token: string): Role | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return json.role === 'admin' || json.role === 'staff' || json.role === 'customer' ? json.role : null;
  } catch {
    return null;
  }
}

const initial = readPersisted();

export const useSessionStore = create<SessionState>()((set) => ({
  token: initial?.token ?? null,
  expiresAt: initial?.expiresAt ?? null,
  user: null,
  signIn: (token, expiresInSeconds) => {
    const expiresAt = Date.now() + expiresInSeconds * 1000;
    writePersisted({ token, expiresAt });
    set({ token, expiresAt, user: null });
  },
  setUser: (user) => set({ user }),
  signOut: () => {
    writePersisted(null);
    set({ token: null, expiresAt: null, user: null });
  },
}));

/** Re-reads sessionStorage; used by tests and by the store on module load. */
export function rehydrateSession() {
  const persisted = readPersisted();
  useSessionStore.setState({
    token: persisted?.token ?? null,
    expiresAt: persisted?.expiresAt ?? null,
    user: null,
  });
}

export const selectIsSignedIn = (state: SessionState) =>
  state.token !== null && (state.expiresAt ?? 0) > Date.now();

export const selectRole = (state: SessionState): Role | null =>
  state.user?.role ?? (state.token ? roleFromToken(state.token) : null);
