import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { RequireAdmin, RequireAuth } from '@/features/auth/components/require-auth';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs, users } from '@/test/test-utils';

const loginRoute = [{ path: '/login', element: <p>Login page</p> }];

describe('route guards', () => {
  it('sends visitors to sign in', async () => {
    renderWithRouter(
      <RequireAuth>
        <p>Orders</p>
      </RequireAuth>,
      { route: '/orders', path: '/orders', routes: loginRoute },
    );
    expect(await screen.findByText('Login page')).toBeInTheDocument();
  });

  it('refuses a customer on an admin page, even with a forged admin claim', async () => {
    signInAs('admin'); // the token claims admin...
    server.use(http.get(`${IDENTITY}/auth/me`, () => HttpResponse.json(users.alice))); // ...the server says customer
    renderWithRouter(
      <RequireAdmin>
        <p>Admin dashboard</p>
      </RequireAdmin>,
      { route: '/admin', path: '/admin', routes: loginRoute },
    );
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeInTheDocument();
    expect(screen.queryByText('Admin dashboard')).not.toBeInTheDocument();
  });

  it('lets an admin in', async () => {
    signInAs('admin');
    server.use(http.get(`${IDENTITY}/auth/me`, () => HttpResponse.json(users.admin)));
    renderWithRouter(
      <RequireAdmin>
        <p>Admin dashboard</p>
      </RequireAdmin>,
      { route: '/admin', path: '/admin', routes: loginRoute },
    );
    expect(await screen.findByText('Admin dashboard')).toBeInTheDocument();
  });
});
