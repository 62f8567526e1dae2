import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { identityApi, parseResponse } from '@/lib/api-client';
import {
  customerDetailSchema,
  customerPageSchema,
  type CustomerDetail,
  type Permission,
  type RoleName,
} from '@/lib/api-schemas/identity-commerce';

export const adminCustomerKeys = {
  all: ['admin', 'customers'] as const,
  list: (q: string, page: number) => ['admin', 'customers', 'list', q, page] as const,
  detail: (id: string) => ['admin', 'customers', 'detail', id] as const,
};

/** Accounts matching `q` (part of an email or name), newest first, with their order figures. */
export function useAdminCustomers(q: string, page: number) {
  return useQuery({
    queryKey: adminCustomerKeys.list(q, page),
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/customers', {
        params: { q: q || undefined, page, page_size: 20 },
      });
      return parseResponse(customerPageSchema, data);
    },
  });
}

export function useAdminCustomer(id: string) {
  return useQuery({
    queryKey: adminCustomerKeys.detail(id),
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>(`/admin/customers/${encodeURIComponent(id)}`);
      return parseResponse(customerDetailSchema, data);
    },
  });
}

function useCustomerChange<Input>(id: string, send: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: Input) => parseResponse(customerDetailSchema, await send(input)),
    onSuccess: (customer: CustomerDetail) => {
      queryClient.setQueryData(adminCustomerKeys.detail(id), customer);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'customers', 'list'] });
    },
  });
}

/** Disable (the account's tokens stop working at once) or enable an account. */
export function useSetCustomerActive(id: string) {
  return useCustomerChange(id, async (active: boolean) => {
    const action = active ? 'enable' : 'disable';
    const { data } = await identityApi.post<unknown>(`/admin/customers/${encodeURIComponent(id)}/${action}`);
    return data;
  });
}

export interface RoleGrant {
  role: RoleName;
  permissions: Permission[];
}

/** Grant a role (admins only); permissions count for staff only. */
export function useGrantRole(id: string) {
  return useCustomerChange(id, async (grant: RoleGrant) => {
    const body = { role: grant.role, permissions: grant.role === 'staff' ? grant.permissions : [] };
    const { data } = await identityApi.put<unknown>(`/admin/customers/${encodeURIComponent(id)}/role`, body);
    return data;
  });
}
