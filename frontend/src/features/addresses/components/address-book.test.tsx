import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { AddressBook } from '@/features/addresses/components/address-book';
import { address } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

describe('address book', () => {
  it('lists addresses and adds one after checking it', async () => {
    signInAs();
    let list = [address];
    let posted: Record<string, unknown> | null = null;
    server.use(
      http.get(`${IDENTITY}/addresses`, () => HttpResponse.json(list)),
      http.post(`${IDENTITY}/addresses`, async ({ request }) => {
        posted = (await request.json()) as Record<string, unknown>;
        const created = { ...address, ...posted, id: 'addr-2', is_default: false };
        list = [...list, created];
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    renderWithRouter(<AddressBook />);
    const saved = await screen.findByRole('list', { name: 'Saved addresses' });
    expect(within(saved).getByText('Alice Doe')).toBeInTheDocument();
    expect(within(saved).getByText('Default')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Add an address' }));
    const form = screen.getByRole('form', { name: 'New address' });
    await userEvent.click(within(form).getByRole('button', { name: 'Save address' }));
    expect(within(form).getByLabelText('Full name')).toHaveAccessibleDescription('Enter the full name');
    expect(posted).toBeNull();

    await userEvent.type(within(form).getByLabelText('Full name'), 'Alice at work');
    await userEvent.type(within(form).getByLabelText('Address line 1'), '5 Office Park');
    await userEvent.type(within(form).getByLabelText('City'), 'Berlin');
    await userEvent.type(within(form).getByLabelText('Postal code'), '10115');
    await userEvent.selectOptions(within(form).getByLabelText('Country'), 'DE');
    await userEvent.selectOptions(within(form).getByLabelText('Use for'), 'billing');
    await userEvent.click(within(form).getByRole('button', { name: 'Save address' }));

    expect(await screen.findByText('Address added')).toBeInTheDocument();
    expect(posted).toMatchObject({ full_name: 'Alice at work', country: 'DE', kind: 'billing', line2: null, state: null, phone: null });
    expect(await within(saved).findByText('Alice at work')).toBeInTheDocument();
  });

  it('shows the server refusing a field next to that field', async () => {
    signInAs();
    server.use(
      http.get(`${IDENTITY}/addresses`, () => HttpResponse.json([address])),
      http.put(`${IDENTITY}/addresses/addr-1`, () =>
        HttpResponse.json({ detail: [{ loc: ['body', 'postal_code'], msg: 'String should have at most 20 characters' }] }, { status: 422 }),
      ),
    );
    renderWithRouter(<AddressBook />);
    await userEvent.click(await screen.findByRole('button', { name: /Edit address of Alice Doe/ }));
    const form = screen.getByRole('form', { name: 'Edit address' });
    await userEvent.click(within(form).getByRole('button', { name: 'Save address' }));
    expect(await within(form).findByText('String should have at most 20 characters')).toBeInTheDocument();
    expect(within(form).getByLabelText('Postal code')).toHaveAttribute('aria-invalid', 'true');
  });
});
