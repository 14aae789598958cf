import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { makeDirs } from '../../shared/node/make-dirs.js';

/** An open database and which engine it runs on. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly engine: 'sqlite' | 'postgres';
  /**
   * SQLite only, for migrations: lets the next statements edit the schema's own text (defensive
   * mode off), which dropping a NOT NULL needs there. Never used outside a migration.
   */
  readonly allowSchemaEdit?: (on: boolean) => void;
  close(): Promise<void>;
}

/** Where to connect: PostgreSQL when a URL is given, else SQLite in `dataDir`. */
export interface DbTarget {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** PostgreSQL only: the schema to work in (tests give each run its own). */
  readonly schema?: string;
}

// bigint columns hold seconds and counters, all well inside 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * SQLite's `synchronous` setting: FULL (PRAGMA synchronous answers 2). Every commit is on disk
 * before it is answered; its cost is in `npm run bench` (issuance, FULL against NORMAL).
 */
export const SQLITE_SYNCHRONOUS = 'FULL';

/** The SQLite database's file in DATA_DIR. */
export const SQLITE_FILE = 'liangzheng.sqlite';

/**
 * Makes the database file readable by its owner only: created empty with mode 0600 (SQLite
 * takes an empty file as a new database; left to itself it would make it 0644), and set to 0600
 * when it exists, with its WAL and shared-memory files. SQLite gives the WAL and -shm files it
 * creates later the mode of the database file.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`])
    if (existsSync(file)) chmodSync(file, 0o600);
}

/**
 * How long a query waits for a connection: a new one to a server that does not answer (a network
 * partition, a hung server), or a free one of the pool's {@link POOL_SIZE}. node-postgres waits
 * for ever by default: requests would pile up with their sockets and never be answered. After
 * this the query fails, and its request with it.
 */
export const CONNECT_TIMEOUT_MS = 5000;

/** PostgreSQL connections a node's pool opens at most. */
export const POOL_SIZE = 10;

/** What the opener is told. */
export interface DbEvents {
  /**
   * PostgreSQL ended a connection of the pool (a restart, a failover, an administrator, a
   * proxy's idle timeout). The pool drops it and connects anew for the next query; a query on it
   * fails with its own error.
   */
  readonly connectionLost?: (error: Error) => void;
}

/** Opens the database (it must already exist for PostgreSQL; SQLite creates its file). */
export function openDatabase(target: DbTarget, events: DbEvents = {}): Db {
  if (target.databaseUrl !== undefined) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
    });
    // A connection that ends between queries, idle in the pool or held by a transaction between
    // two statements, emits 'error' on its client (and an idle one on the pool too): with no
    // listener, that would end the process, every node of a cluster at once when PostgreSQL
    // fails over. Said once a connection, by its client's own listener (a held one errs twice:
    // the server's message, then the socket's end).
    const lost = events.connectionLost ?? (() => undefined);
    pool.on('connect', (client) => {
      let said = false;
      client.on('error', (error) => {
        if (said) return;
        said = true;
        lost(error);
      });
    });
    pool.on('error', () => undefined);
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, engine: 'postgres', close: () => kysely.destroy() };
  }
  makeDirs(target.dataDir, 0o700);
  const path = join(target.dataDir, SQLITE_FILE);
  ownerOnly(path);
  const file = new SQLite(path);
  // WAL: readers do not wait for the writer. synchronous FULL syncs the WAL at every commit, so
  // an answered request (a credential issued, a licence suspended, their audit entries) survives
  // a power cut; NORMAL would sync only at checkpoints and could lose the last commits
  // (sqlite.org/pragma.html#pragma_synchronous). These are records of legal effect: no opt-out.
  file.pragma('journal_mode = WAL');
  file.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }),
  });
  return {
    kysely,
    engine: 'sqlite',
    allowSchemaEdit: (on) => {
      file.unsafeMode(on);
    },
    close: () => kysely.destroy(),
  };
}

/**
 * SQLite with every transaction begun IMMEDIATE: it takes the write lock at its start, waiting
 * out busy_timeout for it. Begun as SQLite's default (DEFERRED), a transaction holds a snapshot
 * from its first read, and when another process (a second node on the same file) has written
 * since, its first write fails at once with SQLITE_BUSY_SNAPSHOT, whatever busy_timeout says: a
 * transaction that reads, then writes (most of the service's) failed where it should have waited.
 * One process runs its transactions one at a time anyway (better-sqlite3, one connection), so
 * this costs a single node nothing.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Statements kept prepared, by SQL text. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every statement again on each query (about 150 µs of a
 * credential refresh); the queries are the same few dozen texts, so keep them prepared. A
 * prepared statement holds no state between runs in better-sqlite3.
 */
function withStatementCache(file: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = file.prepare.bind(file);
  return new Proxy(file, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver) as unknown;
        // Native methods check their receiver: call them on the database itself.
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (statement === undefined) {
          statement = prepare(source);
          if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** True when the database answers. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db.kysely);
    return true;
  } catch {
    return false;
  }
}
