import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { ChangePasswordForm } from '@/features/auth/components/account-security';
import { useSessionStore } from '@/lib/session-store';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

describe('change password', () => {
  it('sends both passwords, then signs out (every session ended)', async () => {
    signInAs();
    let body: unknown = null;
    server.use(
      http.post(`${IDENTITY}/auth/me/password`, async ({ request }) => {
        body = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderWithRouter(<ChangePasswordForm />);
    await userEvent.type(screen.getByLabelText('Current password'), 'Alice@123');
    await userEvent.type(screen.getByLabelText('New password'), 'Alice@4567');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() => expect(useSessionStore.getState().token).toBeNull());
    expect(body).toEqual({ current_password: 'Alice@123', new_password: 'Alice@4567' });
  });

  it('puts a wrong current password next to its field and keeps the session', async () => {
    signInAs();
    server.use(http.post(`${IDENTITY}/auth/me/password`, () => HttpResponse.json({ detail: 'Wrong password' }, { status: 400 })));
    renderWithRouter(<ChangePasswordForm />);
    await userEvent.type(screen.getByLabelText('Current password'), 'nope-nope');
    await userEvent.type(screen.getByLabelText('New password'), 'Alice@4567');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is not correct')).toBeInTheDocument();
    expect(useSessionStore.getState().token).not.toBeNull();
  });

  it('refuses a short or unchanged new password before sending', async () => {
    signInAs();
    renderWithRouter(<ChangePasswordForm />);
    await userEvent.type(screen.getByLabelText('Current password'), 'Alice@123');
    await userEvent.type(screen.getByLabelText('New password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription('At least 8 characters');
    await userEvent.clear(screen.getByLabelText('New password'));
    await userEvent.type(screen.getByLabelText('New password'), 'Alice@123');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription('Choose a different password');
  });
});
