import type { RouteObject } from 'react-router';

import { RootLayout } from '@/components/layout/root-layout';

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    children: [{ index: true, element: <h1 className="text-2xl font-semibold">Welcome to the shop</h1> }],
  },
];
