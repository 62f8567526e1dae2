/**
 * Shapes shared by both services' answers. The schemas that parse each service's answers live in
 * <service>.ts beside this file and are checked against the generated lib/api-types/<service>.ts
 * by <service>.test-d.ts (docs/frontend.md, ADR 0014).
 */
import { z } from 'zod';

/** Money travels as a decimal string; accept a number too so a drifting service does not blank a page. */
export const moneySchema = z.union([z.string(), z.number()]).transform((value) => String(value));

export const currencySchema = z.string().default('USD');

/** Averages may come as a number, a decimal string or null. */
export const ratingSchema = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined || value === '' ? null : Number(value)));

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    page: z.number().int().positive().catch(1),
    page_size: z.number().int().positive().catch(20),
  });
}

/** An event in a service's outbox (shopkit's admin outbox routes, the same in every service). */
export const outboxEntrySchema = z.object({
  id: z.string(),
  event_type: z.string(),
  aggregate_id: z.string().nullish(),
  status: z.string(),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullish(),
  last_error: z.string().nullish(),
  created_at: z.string(),
  sent_at: z.string().nullish(),
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

export const outboxPageSchema = z.object({ items: z.array(outboxEntrySchema), total: z.number().int() });
