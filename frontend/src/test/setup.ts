import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { useToastStore } from '@/components/ui/toast-store';
import { useSessionStore } from '@/lib/session-store';
import { server } from '@/test/server';

// Anything a test did not mock is a bug in the test: fail loudly instead of hitting the network.
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));

afterEach(() => {
  cleanup();
  server.resetHandlers();
  sessionStorage.clear();
  useSessionStore.setState({ token: null, expiresAt: null, user: null });
  useToastStore.setState({ toasts: [] });
});

afterAll(() => server.close());
