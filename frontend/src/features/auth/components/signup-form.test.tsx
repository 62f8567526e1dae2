import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SignupForm } from '@/features/auth/components/signup-form';
import { guestOrders, rememberGuestOrder } from '@/lib/guest-orders';
import { IDENTITY, server } from '@/test/server';
import { fakeToken, renderWithRouter } from '@/test/test-utils';

async function fill(password = 'Secret@123') {
  await userEvent.type(screen.getByLabelText('First name'), 'Carol');
  await userEvent.type(screen.getByLabelText('Last name'), 'Smith');
  await userEvent.type(screen.getByLabelText('Email'), 'carol@example.com');
  await userEvent.type(screen.getByLabelText('Password'), password);
}

describe('SignupForm', () => {
  afterEach(() => localStorage.clear());

  it('asks for 8 characters before sending', async () => {
    renderWithRouter(<SignupForm onSuccess={vi.fn()} />);
    await fill('short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Use at least 8 characters');
  });

  it('puts a duplicate email next to the email field', async () => {
    server.use(http.post(`${IDENTITY}/auth/signup`, () => HttpResponse.json({ detail: 'Email already registered' }, { status: 409 })));
    renderWithRouter(<SignupForm onSuccess={vi.fn()} />);
    await fill();
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('An account with this email already exists. Try signing in.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows the server validation message next to the field it belongs to', async () => {
    server.use(
      http.post(`${IDENTITY}/auth/signup`, () =>
        HttpResponse.json({ detail: [{ loc: ['body', 'phone'], msg: 'Value error, phone must be 7 to 15 digits' }] }, { status: 422 }),
      ),
    );
    renderWithRouter(<SignupForm onSuccess={vi.fn()} />);
    await fill();
    await userEvent.type(screen.getByLabelText('Phone (optional)'), '+1 (555) 0100');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('phone must be 7 to 15 digits')).toBeInTheDocument();
    expect(screen.getByLabelText('Phone (optional)')).toHaveAccessibleDescription('phone must be 7 to 15 digits');
  });

  it('starts from the email of a guest checkout, and tells that the guest order joins once the email is confirmed', async () => {
    rememberGuestOrder({ orderId: 'order-1', token: 'order-token-abcdefghijklmnop', email: 'grace@example.com' });
    const me = { id: 'user-9', email: 'grace@example.com', first_name: 'Grace', last_name: 'Guest', phone: null, role: 'customer', email_verified: false };
    server.use(
      http.post(`${IDENTITY}/auth/signup`, () => HttpResponse.json(me, { status: 201 })),
      http.post(`${IDENTITY}/auth/login`, () => HttpResponse.json({ access_token: fakeToken(), token_type: 'bearer', expires_in: 900 })),
      http.get(`${IDENTITY}/auth/me`, () => HttpResponse.json(me)),
      // No POST /orders/claim handler: an unverified account must not ask (MSW fails unhandled calls).
    );
    const onSuccess = vi.fn();
    renderWithRouter(<SignupForm onSuccess={onSuccess} initialEmail="grace@example.com" />);
    expect(screen.getByLabelText('Email')).toHaveValue('grace@example.com');
    await userEvent.type(screen.getByLabelText('First name'), 'Grace');
    await userEvent.type(screen.getByLabelText('Last name'), 'Guest');
    await userEvent.type(screen.getByLabelText('Password'), 'Secret@123');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText(/Confirm your email with the link we sent you/)).toBeInTheDocument();
    expect(onSuccess).toHaveBeenCalled();
    expect(guestOrders()).toHaveLength(1);
  });
});
