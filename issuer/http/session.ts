import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../service-error.js';

/** Who is making a request, once the session cookie has been checked. */
export interface Auth {
  readonly subject: 'driver' | 'staff';
  readonly subjectId: number;
  readonly role: Role;
  readonly csrfToken: string;
  readonly tokenHash: string;
}

export type Role = 'driver' | 'reviewer' | 'admin';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: Auth;
  }
}

/** The session cookie: __Host- prefix (Secure, Path=/, no Domain), HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = '__Host-lz_session';
/** Idle sessions end after 12 hours. */
export const SESSION_LIFETIME = 12 * 3600;
/** The header a signed-in client sends on every unsafe request (double submit of a session secret). */
export const CSRF_HEADER = 'x-csrf-token';

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Writes a session row: a random token (for the cookie) whose hash alone is stored, and the
 * session's CSRF token. Expired rows go first: the table holds live sessions only.
 * @returns the token, the CSRF token, and the Cookie header value that carries the token.
 */
export async function createSession(
  db: Db,
  who: { subject: Auth['subject']; subjectId: number; role: Role },
  now: number,
  lifetime = SESSION_LIFETIME,
): Promise<{ token: string; csrfToken: string; cookie: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db.kysely.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  await db.kysely
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      subject: who.subject,
      subject_id: who.subjectId,
      role: who.role,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: now + lifetime,
    })
    .execute();
  return { token, csrfToken, cookie: `${SESSION_COOKIE}=${token}` };
}

/** Starts a session: a random token in the cookie, only its hash in the database. */
export async function startSession(
  db: Db,
  res: Response,
  who: { subject: Auth['subject']; subjectId: number; role: Role },
  now: number,
): Promise<{ csrfToken: string }> {
  const { token, csrfToken } = await createSession(db, who, now);
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/',
    maxAge: SESSION_LIFETIME * 1000,
  });
  return { csrfToken };
}

/** Ends the session of this request. */
export async function endSession(db: Db, req: Request, res: Response): Promise<void> {
  if (req.auth !== undefined)
    await db.kysely.deleteFrom('sessions').where('token_hash', '=', req.auth.tokenHash).execute();
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

/**
 * Ends every session of one account (a password reset, an account disabled or given another
 * role by an admin), in the caller's transaction or on its own.
 */
export async function endSessionsOf(
  db: Kysely<Database> | Transaction<Database>,
  subject: Auth['subject'],
  subjectId: number,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('subject', '=', subject)
    .where('subject_id', '=', subjectId)
    .execute();
}

/** The session of a token (by its hash), unless it has expired. */
const liveSession = prepared(
  ['tokenHash', 'now'],
  (db: Kysely<Database>, args: { tokenHash: string; now: number }) =>
    db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', args.tokenHash)
      .where('expires_at', '>', args.now),
);

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Reads the session cookie into `req.auth`, and refuses an unsafe request (POST, PUT, PATCH,
 * DELETE) of a signed-in client without the session's CSRF token in `X-CSRF-Token`. SameSite=
 * Strict already keeps other sites' requests from carrying the cookie; the token is the second
 * lock.
 */
export function sessions(db: Db, now: () => number): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      next();
      return;
    }
    const tokenHash = sha256(token);
    liveSession(db.kysely, { tokenHash, now: now() })
      .then(([row]) => {
        if (row !== undefined) {
          req.auth = {
            subject: row.subject,
            subjectId: row.subject_id,
            role: row.role,
            csrfToken: row.csrf_token,
            tokenHash,
          };
          const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
          if (unsafe && !sameToken(req.get(CSRF_HEADER), row.csrf_token)) {
            throw new ServiceError(
              403,
              'ERR_CSRF',
              `${CSRF_HEADER}: expected the session's CSRF token, found ${req.get(CSRF_HEADER) === undefined ? 'none' : 'another'}`,
            );
          }
        }
        next();
      })
      .catch(next);
  };
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * Lets through only a signed-in client with one of `roles`: 401 without a session, 403 with
 * another role.
 */
export function requireRole(...roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    if (req.auth === undefined) {
      next(new ServiceError(401, 'ERR_UNAUTHENTICATED', 'sign in first'));
    } else if (!roles.includes(req.auth.role)) {
      next(
        new ServiceError(
          403,
          'ERR_FORBIDDEN',
          `this needs the role ${roles.join(' or ')}, found ${req.auth.role}`,
        ),
      );
    } else {
      next();
    }
  };
}

/** The signed-in client (after requireRole). */
export function authOf(req: Request): Auth {
  if (req.auth === undefined) throw new ServiceError(401, 'ERR_UNAUTHENTICATED', 'sign in first');
  return req.auth;
}
