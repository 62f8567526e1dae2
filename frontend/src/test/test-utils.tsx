import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

import { Toaster } from '@/components/ui/toaster';
import { useSessionStore, type Role } from '@/lib/session-store';

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

export function Providers({ children, client }: { children: ReactNode; client: QueryClient }) {
  return (
    <QueryClientProvider client={client}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}

/** Renders `ui` at `path` inside a memory router; extra routes let a test follow navigation. */
export function renderWithRouter(
  ui: ReactElement,
  { path = '/', route = '/', routes = [], ...options }: { path?: string; route?: string; routes?: RouteObject[] } & RenderOptions = {},
) {
  const client = createTestQueryClient();
  const router = createMemoryRouter([{ path: route, element: ui }, ...routes], { initialEntries: [path] });
  const result = render(
    <Providers client={client}>
      <RouterProvider router={router} />
    </Providers>,
    options,
  );
  return { ...result, router, client };
}

/** A syntactically real JWT (unsigned) carrying the role: the UI reads claims, never trusts them. */
export function fakeToken(role: Role = 'customer') {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ sub: 'user-1', role, exp: 4_000_000_000 })}.signature`;
}

export function signInAs(role: Role = 'customer') {
  useSessionStore.getState().signIn(fakeToken(role), 3600);
}

export const users = {
  alice: { id: 'user-1', email: 'alice@example.com', first_name: 'Alice', last_name: 'Doe', phone: null, role: 'customer' as const },
  admin: { id: 'admin-1', email: 'admin@example.com', first_name: 'Ada', last_name: 'Admin', phone: null, role: 'admin' as const },
};
