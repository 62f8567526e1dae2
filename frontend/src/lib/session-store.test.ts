import { describe, expect, it } from 'vitest';

import { rehydrateSession, roleFromToken, selectIsSignedIn, selectRole, useSessionStore } from '@/lib/session-store';
import { fakeToken } from '@/test/test-utils';

describe('session store', () => {
  it('keeps the token in memory and sessionStorage, never in localStorage', () => {
    useSessionStore.getState().signIn(fakeToken('customer'), 900);
    expect(useSessionStore.getState().token).toBe(fakeToken('customer'));
    expect(sessionStorage.getItem('shop.session')).toContain(fakeToken('customer'));
    expect(localStorage.length).toBe(0);
  });

  it('survives a reload of the tab (rehydrates from sessionStorage)', () => {
    useSessionStore.getState().signIn(fakeToken('admin'), 900);
    useSessionStore.setState({ token: null, expiresAt: null, user: null });
    rehydrateSession();
    expect(selectIsSignedIn(useSessionStore.getState())).toBe(true);
    expect(selectRole(useSessionStore.getState())).toBe('admin');
  });

  it('drops an expired token instead of restoring it', () => {
    sessionStorage.setItem('shop.session', JSON.stringify({ token: fakeToken(), expiresAt: Date.now() - 1000 }));
    rehydrateSession();
    expect(useSessionStore.getState().token).toBeNull();
    expect(sessionStorage.getItem('shop.session')).toBeNull();
  });

  it('ignores garbage in storage', () => {
    sessionStorage.setItem('shop.session', '{not json');
    rehydrateSession();
    expect(useSessionStore.getState().token).toBeNull();
  });

  it('signs out everywhere', () => {
    useSessionStore.getState().signIn(fakeToken(), 900);
    useSessionStore.getState().signOut();
    expect(useSessionStore.getState().token).toBeNull();
    expect(sessionStorage.getItem('shop.session')).toBeNull();
  });

  it('prefers the role from /auth/me over the token claim', () => {
    useSessionStore.getState().signIn(fakeToken('admin'), 900);
    useSessionStore.getState().setUser({ id: 'u', email: 'a@b.c', first_name: 'A', last_name: 'B', role: 'customer' });
    expect(selectRole(useSessionStore.getState())).toBe('customer');
  });

  it('reads the role claim from a JWT and rejects malformed tokens', () => {
    expect(roleFromToken(fakeToken('admin'))).toBe('admin');
    expect(roleFromToken('nope')).toBeNull();
    expect(roleFromToken('a.!!!.c')).toBeNull();
  });
});
