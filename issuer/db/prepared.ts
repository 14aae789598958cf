import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Where a value given at each run goes: compiled as a parameter, never into the SQL text. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled once per database, then run with new values. Kysely builds and
 * compiles a query on every call, which for the four-table join of a credential refresh costs
 * more than SQLite takes to run it (24 µs against 4 µs). Only for hot queries of a fixed shape:
 * `build` must use each value of `args` as a plain value (`where('id', '=', args.id)`), never
 * to decide the shape.
 *
 * @param names the keys of `args`, each used at least once by `build`.
 * @returns a function running the query on a database (not a transaction: each transaction
 *   would compile anew) and returning its rows.
 * @throws {Error} at the first run, when `build` leaves out one of `names` or puts one in the SQL
 *   text itself.
 */
export function prepared<D, A extends Record<string, unknown>, O>(
  names: readonly (keyof A & string)[],
  build: (db: Kysely<D>, args: A) => Compilable<O>,
): (db: Kysely<D>, args: A) => Promise<O[]> {
  const compiled = new WeakMap<Kysely<D>, CompiledQuery<O>>();
  const compile = (db: Kysely<D>): CompiledQuery<O> => {
    const slots = Object.fromEntries(names.map((name) => [name, new Slot(name)])) as A;
    const query = build(db, slots).compile();
    const used = new Set(query.parameters.flatMap((p) => (p instanceof Slot ? [p.name] : [])));
    const missing = names.filter((name) => !used.has(name));
    if (missing.length > 0 || query.sql.includes('[object Object]')) {
      throw new Error(
        `prepared query: expected every value as a parameter, found ${missing.length > 0 ? `${missing.join(', ')} unused` : 'one in the SQL text'}: ${query.sql}`,
      );
    }
    compiled.set(db, query);
    return query;
  };
  return async (db, args) => {
    const query = compiled.get(db) ?? compile(db);
    const parameters = query.parameters.map((p) => (p instanceof Slot ? args[p.name] : p));
    return (await db.executeQuery<O>({ ...query, parameters })).rows;
  };
}
