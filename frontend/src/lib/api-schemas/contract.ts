/**
 * Type helpers for checking the zod schemas against the generated API types
 * (lib/api-types/<service>.ts): pick an operation's JSON request and success bodies.
 */
import type { z } from 'zod';

type Json<Content> = Content extends { content: { 'application/json': infer Body } } ? Body : never;

/** Not `never` (which fits everything): an operation without such a body cannot pass a check by accident. */
type Present<Body> = [Body] extends [never] ? { 'this operation has no JSON body': true } : Body;

/** The JSON body of an operation's successful answer (200 or 201). */
export type SuccessBody<Operation> = Present<
  Operation extends { responses: infer Responses }
    ? { [Code in keyof Responses]: Code extends 200 | 201 ? Json<Responses[Code]> : never }[keyof Responses]
    : never
>;

/** The JSON body an operation accepts. */
export type RequestBody<Operation> = Present<Operation extends { requestBody?: infer Body } ? Json<NonNullable<Body>> : never>;

/**
 * A compile-time check that `schema` accepts every answer the service may send, i.e. that the
 * generated `Answer` type is assignable to the schema's input type:
 *
 *   accepts(productDetailSchema)<SuccessBody<paths['/catalog/products/{product_id}']['get']>>();
 *
 * tsc (npm run typecheck, and vitest's typecheck run) names the first field that does not fit.
 */
export function accepts<Schema extends z.ZodType>(_schema: Schema) {
  return <_Answer extends z.input<Schema>>(): void => undefined;
}

/** The other way round: what a page sends must be a body the service accepts. */
export function sends<Body>() {
  return <_Sent extends Body>(): void => undefined;
}
