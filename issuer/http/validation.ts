import express, { type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { TEXT_EXPECTED, textFault } from '../../shared/text.js';
import { notFound, ServiceError } from '../service-error.js';

/** The media type the JSON routes read. */
export const JSON_TYPE = 'application/json';

/**
 * A route's JSON body reader: `application/json` in UTF-8, at most `limit` bytes (once
 * decompressed). A body of any other type is refused with 415 `ERR_UNSUPPORTED_MEDIA_TYPE`
 * (expected application/json, found its type), not read as no body; a request without a body
 * goes through, and the route's schema says whether it needed one.
 *
 * Then every string in the body, at any depth, and every field name is checked to be text
 * (shared/text.ts: no control characters, bidirectional controls or unpaired surrogates). A body
 * that holds one is refused whole with 422 ERR_VALIDATION naming each such field, before any
 * route sees it: so that no string field of any route can carry a NUL to PostgreSQL (which
 * refuses it: a 500), a line break into a notice, or a reordering control into what a reviewer
 * reads. No field of the API is multi-line text, so line breaks and tabs are refused too.
 */
export function jsonBody(limit: string | number): RequestHandler {
  const parse: RequestHandler = express.json({ limit });
  // The name marks it for the test that checks every JSON route is covered.
  const readJsonBody: RequestHandler = (req, res, next) => {
    // type-is: null for a request without a body, false for a body of another type; it counts
    // `Content-Length: 0` as a body, which it is not.
    const empty = req.get('content-length') === '0' && req.get('transfer-encoding') === undefined;
    if (!empty && req.is(JSON_TYPE) === false) {
      next(unsupportedMediaType(req, JSON_TYPE));
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const issues = textIssues(req.body);
      next(issues.length === 0 ? undefined : validationError(issues));
    });
  };
  return readJsonBody;
}

/**
 * The JSON body of an API request, at most 64 kB ({@link jsonBody}). Each route that takes one
 * names it, after its role check: a body is read only for a request that may use it. Uploads
 * read their own.
 */
export const readJsonBody: RequestHandler = jsonBody('64kb');

/** A media type as RFC 6838 §4.2 names them (type/subtype, restricted names). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The media type of a request's body as sent, without its parameters: `none` when there is no
 * Content-Type; something that is not a media type is described, not echoed.
 */
export function mediaTypeOf(req: Request): string {
  const header = req.get('content-type');
  if (header === undefined) return 'none';
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'a value that is not a media type';
}

/** 415 `ERR_UNSUPPORTED_MEDIA_TYPE`: the body is not of the type the route reads. */
export function unsupportedMediaType(req: Request, expected: string): ServiceError {
  const found = mediaTypeOf(req);
  return new ServiceError(
    415,
    'ERR_UNSUPPORTED_MEDIA_TYPE',
    `Content-Type: expected ${expected}, found ${found}`,
    { expected, found },
  );
}

/** At most this many fields are named in one refusal. */
const MAX_TEXT_ISSUES = 20;

/** A place in a request value: its name and the place that holds it. */
interface Place {
  readonly name: string;
  readonly parent: Place | undefined;
}

/** `keys.p256dh`, `(body)` for the value itself; built only for a field that is named. */
function fieldAt(place: Place | undefined, last?: string): string {
  const names = last === undefined ? [] : [last];
  for (let p = place; p !== undefined; p = p.parent) names.unshift(p.name);
  return names.length === 0 ? '(body)' : names.join('.');
}

/**
 * The fields of a parsed JSON value (or a query) whose string, or whose name, is not text, in
 * the order they came; none for a value without strings. Walks without recursion (a 64 kB body
 * can nest 30 000 deep) and names a field of an unexpected shape `(unknown field)`, never
 * repeating it.
 */
function textIssues(value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: { value: unknown; place: Place | undefined }[] = [{ value, place: undefined }];
  while (pending.length > 0 && issues.length < MAX_TEXT_ISSUES) {
    const next = pending.pop();
    if (next === undefined) break;
    const { value: v, place } = next;
    if (typeof v === 'string') {
      const fault = textFault(v);
      if (fault !== undefined)
        issues.push({ field: fieldAt(place), expected: TEXT_EXPECTED, found: fault });
    } else if (typeof v === 'object' && v !== null) {
      const entries = Array.isArray(v)
        ? v.map((item, i) => [String(i), item] as const)
        : Object.entries(v);
      const children: { value: unknown; place: Place | undefined }[] = [];
      for (const [key, item] of entries) {
        const keyFault = textFault(key);
        if (keyFault !== undefined) {
          issues.push({
            field: fieldAt(place, '(a field name)'),
            expected: `a field name of ${TEXT_EXPECTED}`,
            found: keyFault,
          });
          continue;
        }
        const name = Array.isArray(v) || SAFE_KEY.test(key) ? key : '(unknown field)';
        children.push({ value: item, place: { name, parent: place } });
      }
      // Onto the stack last first, so that the first field is looked at first.
      for (let i = children.length - 1; i >= 0; i--)
        pending.push(children[i] as (typeof children)[number]);
    }
  }
  return issues.slice(0, MAX_TEXT_ISSUES);
}

/** One problem with one field of a request: what was expected and what was found. */
export interface FieldIssue {
  /** The field, e.g. `phone`; `(body)` for the body itself. */
  readonly field: string;
  readonly expected: string;
  /** Described by type and length only: a request may hold ID numbers, names or passwords. */
  readonly found: string;
}

/** 422 ERR_VALIDATION listing every issue; the message is safe to log. */
export function validationError(issues: readonly FieldIssue[]): ServiceError {
  const list = issues.map((i) => `${i.field}: expected ${i.expected}, found ${i.found}`);
  return new ServiceError(422, 'ERR_VALIDATION', `invalid request: ${list.join('; ')}`, {
    issues,
  });
}

/**
 * Parses a request body. `expected` says, per field, what a valid value is; zod's own messages
 * are never used, as they may quote the input.
 * @throws {ServiceError} 422 ERR_VALIDATION with the field issues.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  expected: Readonly<Record<string, string>>,
): z.output<S> {
  // Bodies were checked as they were read; queries, path parameters and the command line's
  // input are checked here.
  const faults = textIssues(input);
  if (faults.length > 0) throw validationError(faults);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error.issues.flatMap((issue) => toIssues(issue, input, expected)));
}

const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function toIssues(
  issue: z.core.$ZodIssue,
  input: unknown,
  expected: Readonly<Record<string, string>>,
): FieldIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: SAFE_KEY.test(key) ? key : '(unknown field)',
      expected: 'no such field (unknown fields are rejected)',
      found: 'an unknown field',
    }));
  }
  const field = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  return [
    {
      field,
      expected: expected[field] ?? (field === '(body)' ? 'a JSON object' : 'a valid value'),
      found: describeValue(value),
    },
  ];
}

/** The value at `path` in `input`; undefined when there is none. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || typeof key === 'symbol') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The type and size of a value, never the value itself. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    return `a string of ${length} character${length === 1 ? '' : 's'}`;
  }
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * The numeric id in a path (`/staff/7/unlock`): a positive integer below 10^15.
 * @throws {ServiceError} 404 ERR_NOT_FOUND naming `what`: no such thing has another id.
 */
export function pathId(value: string | string[] | undefined, what: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,14}$/.test(value)) throw notFound(what);
  return Number(value);
}
