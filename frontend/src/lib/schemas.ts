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
