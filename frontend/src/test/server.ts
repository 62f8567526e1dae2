import { setupServer } from 'msw/node';

/** One MSW server for every test file; each test adds the handlers it needs with server.use(). */
export const server = setupServer();

export const IDENTITY = 'http://identity.test';
export const CATALOG = 'http://catalog.test';
