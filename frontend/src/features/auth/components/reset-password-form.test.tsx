import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter } from '@/test/test-utils';

describe('ForgotPasswordForm', () => {
  it('sends the email and says the same whatever the answer hides', async () => {
    let sent: unknown = null;
    server.use(
      http.post(`${IDENTITY}/auth/password-reset`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ detail: 'accepted' }, { status: 202 });
      }),
    );
    renderWithRouter(<ForgotPasswordForm />);
    await userEvent.type(screen.getByLabelText('Email'), ' alice@example.com ');
    await userEvent.click(screen.getByRole('button', { name: 'Send me a reset link' }));
    expect(await screen.findByRole('status')).toHaveTextContent('If an account exists for alice@example.com');
    expect(sent).toEqual({ email: 'alice@example.com' });
  });
});

describe('ResetPasswordForm', () => {
  it('checks the two passwords match before sending', async () => {
    const onSuccess = vi.fn();
    renderWithRouter(<ResetPasswordForm token="tok-tok-tok-tok-tok" onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('New password'), 'Brand-new-Pass-7');
    await userEvent.type(screen.getByLabelText('Repeat the new password'), 'Brand-new-Pass-8');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(screen.getByLabelText('Repeat the new password')).toHaveAccessibleDescription('The passwords differ');
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('sends the token with the new password', async () => {
    let sent: unknown = null;
    server.use(
      http.post(`${IDENTITY}/auth/password-reset/confirm`, async ({ request }) => {
        sent = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const onSuccess = vi.fn();
    renderWithRouter(<ResetPasswordForm token="tok-tok-tok-tok-tok" onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('New password'), 'Brand-new-Pass-7');
    await userEvent.type(screen.getByLabelText('Repeat the new password'), 'Brand-new-Pass-7');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(sent).toEqual({ token: 'tok-tok-tok-tok-tok', new_password: 'Brand-new-Pass-7' });
  });

  it('says a used or expired link is no good', async () => {
    server.use(
      http.post(`${IDENTITY}/auth/password-reset/confirm`, () =>
        HttpResponse.json({ detail: 'This link is invalid' }, { status: 400 }),
      ),
    );
    renderWithRouter(<ResetPasswordForm token="tok-tok-tok-tok-tok" onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('New password'), 'Brand-new-Pass-7');
    await userEvent.type(screen.getByLabelText('Repeat the new password'), 'Brand-new-Pass-7');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('was already used or has expired');
  });
});
