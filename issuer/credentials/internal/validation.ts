import type { z } from 'zod';
import { ServiceError } from '../../http/problem.js';

/**
 * Parses a request body; on failure, 422 `ERR_VALIDATION` naming each field with what was
 * expected and the type of what was found (never the value: zod's messages may quote it).
 * The same answer as the accounts API gives.
 * @throws {ServiceError}
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  expected: Readonly<Record<string, string>>,
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        field: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : '(unknown field)',
        expected: 'no such field (unknown fields are rejected)',
        found: 'an unknown field',
      }));
    const field = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
    // The bodies here are flat: a field is one level down.
    const value =
      issue.path.length === 0 ? body : (body as Record<string, unknown>)[String(issue.path[0])];
    return [
      {
        field,
        expected: expected[field] ?? (field === '(body)' ? 'a JSON object' : 'a valid value'),
        found: describe(value),
      },
    ];
  });
  const list = issues.map((i) => `${i.field}: expected ${i.expected}, found ${i.found}`);
  throw new ServiceError(422, 'ERR_VALIDATION', `invalid request: ${list.join('; ')}`, {
    issues,
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string of ${Array.from(value).length} characters`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
