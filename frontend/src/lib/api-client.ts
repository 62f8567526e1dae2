import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { z } from 'zod';

import { env } from '@/lib/env';
import { guestCartToken, isCartRequest } from '@/lib/guest-cart';
import { useSessionStore } from '@/lib/session-store';

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/**
 * One error type for every failed call, so pages can show words instead of stack traces:
 * `message` is safe to show, `fieldErrors` maps form fields to the server's complaint.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: Record<string, string>;
  readonly retryAfter: number | null;
  readonly shortages: Shortage[];
  readonly body: unknown;

  constructor(args: {
    status: number;
    message: string;
    fieldErrors?: Record<string, string>;
    retryAfter?: number | null;
    shortages?: Shortage[];
    body?: unknown;
  }) {
    super(args.message);
    this.name = 'ApiError';
    this.status = args.status;
    this.fieldErrors = args.fieldErrors ?? {};
    this.retryAfter = args.retryAfter ?? null;
    this.shortages = args.shortages ?? [];
    this.body = args.body;
  }

  /** Network failure, or the service answered that it (or something it needs) is down. */
  get isUnavailable() {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

interface ValidationItem {
  loc?: unknown[];
  msg?: string;
}

function messageFor(status: number): string {
  if (status === 0) return 'We could not reach the shop. Check your connection and try again.';
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'We could not find that.';
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (status >= 500) return 'This part of the shop is temporarily unavailable. Please try again shortly.';
  return 'Something went wrong. Please try again.';
}

/** Turns FastAPI's `{"detail": ...}` (string or list of validation items) into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof AxiosError)) {
    return new ApiError({ status: 0, message: error instanceof Error ? error.message : String(error) });
  }
  const response = error.response;
  if (!response) return new ApiError({ status: 0, message: messageFor(0) });

  const status = response.status;
  const body = response.data as { detail?: unknown; shortages?: Shortage[] } | undefined;
  const detail = body?.detail;
  const fieldErrors: Record<string, string> = {};
  let message = messageFor(status);

  if (typeof detail === 'string' && detail.trim() && status < 500) {
    message = detail;
  } else if (typeof detail === 'string' && detail.trim() && (status === 503 || status === 502)) {
    message = `${messageFor(status)} (${detail})`;
  } else if (Array.isArray(detail)) {
    for (const item of detail as ValidationItem[]) {
      const loc = (Array.isArray(item.loc) ? item.loc : []).filter((part) => part !== 'body' && part !== 'query');
      const message = item.msg?.replace(/^Value error, /, '');
      if (!message) continue;
      // Both "variants.2.price" (for nested forms) and "price" (for flat forms) point at the field.
      const path = loc.map(String).join('.');
      const last = loc.filter((part) => typeof part === 'string').at(-1);
      if (path && !fieldErrors[path]) fieldErrors[path] = message;
      if (typeof last === 'string' && !fieldErrors[last]) fieldErrors[last] = message;
    }
    const first = (detail as ValidationItem[])[0]?.msg;
    message = Object.keys(fieldErrors).length
      ? 'Please correct the highlighted fields.'
      : (first ?? message);
  }

  const retryHeader = response.headers?.['retry-after'] as string | undefined;
  const retryAfter = retryHeader ? Number.parseInt(retryHeader, 10) : null;

  return new ApiError({
    status,
    message,
    fieldErrors,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
    shortages: Array.isArray(body?.shortages) ? body.shortages : [],
    body,
  });
}

function createClient(baseURL: string): AxiosInstance {
  const client = axios.create({ baseURL, timeout: 15_000 });
  client.interceptors.request.use((config) => {
    // A guest order's token opens that one order, and only without Authorization (the
    // service reads a bearer token first): a signed-in visitor may open an emailed order link.
    if (config.headers.has('X-Order-Token')) return config;
    const token = useSessionStore.getState().token;
    if (token) config.headers.set('Authorization', `Bearer ${token}`);
    else {
      const cartToken = guestCartToken();
      if (cartToken && isCartRequest(config.url)) config.headers.set('X-Cart-Token', cartToken);
    }
    return config;
  });
  client.interceptors.response.use(
    (response) => response,
    (error: unknown) => {
      const apiError = toApiError(error);
      // An expired or revoked token: drop it so the UI offers sign-in instead of failing forever.
      if (apiError.status === 401 && useSessionStore.getState().token) {
        useSessionStore.getState().signOut();
      }
      return Promise.reject(apiError);
    },
  );
  return client;
}

export const identityApi = createClient(env.identityUrl);
export const catalogApi = createClient(env.catalogUrl);

/**
 * Validates a response against its schema. A mismatch means the contract drifted; we surface it
 * as an error state rather than rendering half-understood data.
 */
export function parseResponse<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(data);
  if (!result.success) {
    console.error('Unexpected response shape', result.error.issues);
    throw new ApiError({
      status: 0,
      message: 'The shop sent an answer this page does not understand. Please reload.',
      body: data,
    });
  }
  return result.data;
}
