import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { LoginForm } from '@/features/auth/components/login-form';
import { useSessionStore } from '@/lib/session-store';
import { IDENTITY, server } from '@/test/server';
import { fakeToken, renderWithRouter, users } from '@/test/test-utils';

describe('LoginForm', () => {
  it('checks the fields before sending anything', async () => {
    const onSuccess = vi.fn();
    let called = false;
    server.use(http.post(`${IDENTITY}/auth/login`, () => ((called = true), HttpResponse.json({}))));
    renderWithRouter(<LoginForm onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email address');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password');
    expect(called).toBe(false);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('says so when the credentials are wrong', async () => {
    server.use(http.post(`${IDENTITY}/auth/login`, () => HttpResponse.json({ detail: 'Invalid credentials' }, { status: 401 })));
    renderWithRouter(<LoginForm onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That email and password do not match an account.');
  });

  it('explains rate limiting with the wait time', async () => {
    server.use(
      http.post(`${IDENTITY}/auth/login`, () =>
        HttpResponse.json({ detail: 'Too many attempts' }, { status: 429, headers: { 'Retry-After': '600' } }),
      ),
    );
    renderWithRouter(<LoginForm onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in about 10 minute(s).');
  });

  it('signs in: token into the session, profile loaded, callback called', async () => {
    const token = fakeToken('customer');
    server.use(
      http.post(`${IDENTITY}/auth/login`, async ({ request }) => {
        expect(await request.json()).toEqual({ email: 'alice@example.com', password: 'Alice@123' });
        return HttpResponse.json({ access_token: token, token_type: 'bearer', expires_in: 900 });
      }),
      http.get(`${IDENTITY}/auth/me`, () => HttpResponse.json({ ...users.alice, created_at: '2026-01-01T00:00:00Z' })),
    );
    const onSuccess = vi.fn();
    renderWithRouter(<LoginForm onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'Alice@123');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(useSessionStore.getState().token).toBe(token);
    expect(useSessionStore.getState().user?.first_name).toBe('Alice');
  });
});
