/*
 * Every reply a test provokes from the service, checked against the OpenAPI document: its
 * status is declared for its operation, its media type is one the status declares (or it has no
 * body when none is), and a JSON body matches the declared schema. The harness hooks it on each
 * service it starts and fails the test file listing each mismatch.
 */
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument, OpenApiOperation } from '../../issuer/http/openapi.js';

// ajv-formats is CommonJS: its default export is the function.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** What a hooked server's replies gave. */
export interface ReplyCheck {
  /** Replies of a documented operation that were checked. */
  readonly checked: number;
  /** One line per reply that does not match: method, path, status and what is wrong. */
  readonly mismatches: readonly string[];
}

interface Operation {
  readonly method: string;
  readonly pattern: RegExp;
  /** Literal segments first: `/api/me/application/paths` before a `{id}` of the same depth. */
  readonly literal: number;
  readonly op: OpenApiOperation;
  readonly path: string;
}

/** Every operation of the document with the pattern of its path. */
function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        op,
        literal: path.split('/').filter((s) => !s.startsWith('{')).length,
        pattern: new RegExp(
          `^${path
            .split(/\{\w+\}/)
            .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
            .join('[^/]+')}$`,
        ),
      })),
    )
    .sort((a, b) => b.literal - a.literal);
}

/**
 * `schema` with every object closed: a member the document does not declare is a mismatch too.
 * The branches of an `allOf` stay open (each names only some members of the whole), and an
 * object that says what its other members may be keeps its word.
 */
function closed(schema: unknown, inAllOf = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => closed(item, inAllOf));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema))
    copy[key] = key === 'allOf' ? closed(value, true) : closed(value);
  if ('properties' in copy && !('additionalProperties' in copy) && !inAllOf)
    copy.unevaluatedProperties = false;
  return copy;
}

/** A reply's declared Cache-Control header: its values, or the pattern of them; none if none. */
export function cacheControlOf(
  headers: Record<string, unknown> | undefined,
): { readonly values?: string[]; readonly pattern?: string } | undefined {
  const header = headers?.['Cache-Control'] as
    { schema?: { enum?: unknown[]; pattern?: unknown } } | undefined;
  if (header === undefined) return undefined;
  const { enum: values, pattern } = header.schema ?? {};
  return {
    ...(Array.isArray(values) ? { values: values.map(String) } : {}),
    ...(typeof pattern === 'string' ? { pattern } : {}),
  };
}

/** The media type of a Content-Type header, without its parameters. */
const mediaType = (header: string | undefined) =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * Hooks `server`: every reply it sends is checked once it is sent. Requests of no documented
 * path (the web apps' static files, a path no route has) and preflights are not checked; a
 * method a documented path does not have must be answered 405 ERR_METHOD_NOT_ALLOWED.
 */
export function checkReplies(server: Server, document: OpenApiDocument): () => ReplyCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<object, ValidateFunction>();
  const validatorOf = (schema: object) => {
    let validate = validators.get(schema);
    if (validate === undefined) {
      // The document's components beside the schema, so that its `$ref`s resolve.
      validate = ajv.compile(
        closed({ ...schema, components: document.components }) as Record<string, unknown>,
      );
      validators.set(schema, validate);
    }
    return validate;
  };
  const operations = operationsOf(document);
  const mismatches: string[] = [];
  let checked = 0;

  const check = (method: string, url: string, res: ServerResponse, body: Buffer) => {
    const path = url.split('?')[0] ?? '';
    const status = res.statusCode;
    const where = `${method} ${path} ${status}`;
    const onPath = operations.filter((o) => o.pattern.test(path));
    if (onPath.length === 0 || method === 'OPTIONS' || method === 'HEAD') return;
    const operation = onPath.find((o) => o.method === method);
    if (operation === undefined) {
      if (status !== 405) mismatches.push(`${where}: expected 405 for a method the path has not`);
      return;
    }
    checked += 1;
    const reply = operation.op.responses[String(status)] as
      | { content?: Record<string, { schema?: object }>; headers?: Record<string, unknown> }
      | undefined;
    if (reply === undefined) {
      mismatches.push(
        `${where} (${operation.op.operationId}): status not declared (declared: ${Object.keys(operation.op.responses).join(' ')})`,
      );
      return;
    }
    // A declared Cache-Control is sent as declared: a reply declared never cached that does not
    // say so is kept by any cache all the same.
    const declaredCache = cacheControlOf(reply.headers);
    const cacheControl = res.getHeader('cache-control')?.toString() ?? '';
    if (declaredCache !== undefined) {
      const { values, pattern } = declaredCache;
      const sent =
        (values === undefined || values.includes(cacheControl)) &&
        (pattern === undefined || new RegExp(pattern, 'u').test(cacheControl));
      if (!sent)
        mismatches.push(
          `${where}: Cache-Control: ${values?.join(' or ') ?? `/${pattern ?? ''}/`} declared, found ${cacheControl === '' ? 'none' : JSON.stringify(cacheControl)}`,
        );
    }
    const type = mediaType(res.getHeader('content-type')?.toString());
    if (reply.content === undefined) {
      if (body.length > 0) mismatches.push(`${where}: no body declared, found ${type || 'one'}`);
      return;
    }
    const declared = reply.content[type];
    if (declared === undefined) {
      mismatches.push(
        `${where}: media type ${type || 'none'} not declared (declared: ${Object.keys(reply.content).join(' ')})`,
      );
      return;
    }
    if (!type.endsWith('json') || declared.schema === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      mismatches.push(`${where}: a body of ${type} that is not JSON`);
      return;
    }
    const validate = validatorOf(declared.schema);
    if (!validate(value))
      mismatches.push(
        `${where}: ${ajv.errorsText(validate.errors, { separator: '; ', dataVar: 'body' })}`,
      );
  };

  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : typeof chunk === 'string'
            ? Buffer.from(
                chunk,
                typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
              )
            : Buffer.from(chunk as Uint8Array),
      );
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as typeof res.end;
    res.once('finish', () => {
      check(method, url, res, Buffer.concat(chunks));
    });
  });

  return () => ({ checked, mismatches: [...mismatches] });
}

/**
 * Throws listing every mismatch of `check`. With REPLY_CHECK_LOG set, first appends to that file
 * how many replies were checked and how many did not match.
 */
export function assertReplies(check: ReplyCheck): void {
  const log = process.env.REPLY_CHECK_LOG;
  if (log !== undefined)
    appendFileSync(log, `${check.checked} checked, ${check.mismatches.length} mismatched\n`);
  if (check.mismatches.length > 0)
    throw new Error(
      `replies the OpenAPI document does not declare:\n${[...new Set(check.mismatches)].join('\n')}`,
    );
}
