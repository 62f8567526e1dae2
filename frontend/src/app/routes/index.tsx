import type { RouteObject } from 'react-router';

import { RootLayout } from '@/app/layout/root-layout';
import { AccountPage } from '@/app/routes/account';
import { CartPage } from '@/app/routes/cart';
import { CategoryPage } from '@/app/routes/category';
import { CheckoutPage } from '@/app/routes/checkout';
import { ForgotPasswordPage } from '@/app/routes/forgot-password';
import { HomePage } from '@/app/routes/home';
import { LoginPage } from '@/app/routes/login';
import { NotFoundPage } from '@/app/routes/not-found';
import { OrderPage } from '@/app/routes/order';
import { OrdersPage } from '@/app/routes/orders';
import { ProductPage } from '@/app/routes/product';
import { ResetPasswordPage } from '@/app/routes/reset-password';
import { RouteError } from '@/app/routes/route-error';
import { SearchPage } from '@/app/routes/search';
import { SignupPage } from '@/app/routes/signup';
import { StoresPage } from '@/app/routes/stores';
import { VerifyEmailPage } from '@/app/routes/verify-email';
import { LoadingState } from '@/components/ui/query-states';
import { RequireAdmin, RequireAuth } from '@/features/auth/components/require-auth';

/** Admin pages are split into their own chunk: shoppers never download them. */
const admin = (load: () => Promise<{ Component: React.ComponentType }>): RouteObject['lazy'] => async () => {
  const { Component } = await load();
  return {
    Component: () => (
      <RequireAdmin>
        <Component />
      </RequireAdmin>
    ),
  };
};

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <RouteError />,
    // Shown while a lazy (admin) page loads on a direct visit or reload.
    hydrateFallbackElement: <LoadingState />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'categories/:slug', element: <CategoryPage /> },
          { path: 'search', element: <SearchPage /> },
          { path: 'products/:slug', element: <ProductPage /> },
          { path: 'stores', element: <StoresPage /> },
          { path: 'login', element: <LoginPage /> },
          { path: 'signup', element: <SignupPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
          { path: 'verify-email', element: <VerifyEmailPage /> },
          { path: 'cart', element: <CartPage /> },
          { path: 'checkout', element: <CheckoutPage /> },
          { path: 'orders', element: <RequireAuth><OrdersPage /></RequireAuth> },
          { path: 'orders/:id', element: <OrderPage /> },
          { path: 'account', element: <RequireAuth><AccountPage /></RequireAuth> },
          { path: 'admin', lazy: admin(() => import('@/app/routes/admin/dashboard')) },
          { path: 'admin/products', lazy: admin(() => import('@/app/routes/admin/products')) },
          { path: 'admin/products/new', lazy: admin(() => import('@/app/routes/admin/product-edit')) },
          { path: 'admin/products/:id', lazy: admin(() => import('@/app/routes/admin/product-edit')) },
          { path: 'admin/inventory', lazy: admin(() => import('@/app/routes/admin/inventory')) },
          { path: 'admin/orders', lazy: admin(() => import('@/app/routes/admin/orders')) },
          { path: 'admin/returns', lazy: admin(() => import('@/app/routes/admin/returns')) },
          { path: 'admin/orders/:id', lazy: admin(() => import('@/app/routes/admin/order')) },
          { path: 'admin/customers', lazy: admin(() => import('@/app/routes/admin/customers')) },
          { path: 'admin/customers/:id', lazy: admin(() => import('@/app/routes/admin/customer')) },
          { path: 'admin/events', lazy: admin(() => import('@/app/routes/admin/events')) },
          { path: 'admin/promotions', lazy: admin(() => import('@/app/routes/admin/promotions')) },
          { path: 'admin/shipping-methods', lazy: admin(() => import('@/app/routes/admin/shipping-methods')) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
