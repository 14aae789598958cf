import { sql, type Kysely } from 'kysely';

/**
 * Ends the slots a take-over left half-open. Before credentials/credential-states.ts, a take-over
 * by another phone (or a photo change) marked only the live credential `superseded`; the earlier,
 * `refreshed` credentials of the same slot stayed `refreshed`, and a later lifecycle change of
 * status (suspend, then restore) wrote VALID into their entry again: the old phone's code
 * verified beside the new one's. Every `refreshed` credential whose slot holds no live
 * credential belongs to such a slot: it becomes `superseded`, and the slot's entry SUPERSEDED
 * (3), whatever a later change wrote there.
 */
// Migrations are frozen in time: they must not follow the current schema types. PostgreSQL
// answers a bigint as a string.
export async function up(db: Kysely<unknown>): Promise<void> {
  const open = await sql<{ list_id: number | string; status_index: number | string }>`
    select distinct list_id, status_index from credentials c
    where state = 'refreshed' and not exists (
      select 1 from credentials l
      where l.list_id = c.list_id and l.status_index = c.status_index and l.state = 'live')
    order by list_id, status_index`.execute(db);
  if (open.rows.length === 0) return;

  await sql`
    update credentials set state = 'superseded'
    where state = 'refreshed' and not exists (
      select 1 from credentials l
      where l.list_id = credentials.list_id and l.status_index = credentials.status_index
        and l.state = 'live')`.execute(db);

  const byList = new Map<number, number[]>();
  for (const r of open.rows) {
    const listId = Number(r.list_id);
    byList.set(listId, [...(byList.get(listId) ?? []), Number(r.status_index)]);
  }
  for (const [listId, indices] of byList) {
    const row = (
      await sql<{ statuses: Uint8Array; version: number | string }>`
        select statuses, version from status_lists where id = ${listId}`.execute(db)
    ).rows[0];
    if (row === undefined) continue;
    const statuses = Uint8Array.from(row.statuses);
    // Two bits an entry, the first entry in the least significant bits (Token Status List §4.1).
    for (const index of indices) {
      const bit = index * 2;
      const byte = bit >> 3;
      statuses[byte] = ((statuses[byte] ?? 0) & ~(0b11 << (bit % 8))) | (0b11 << (bit % 8));
    }
    await sql`
      update status_lists set statuses = ${statuses}, version = ${Number(row.version) + 1}
      where id = ${listId}`.execute(db);
  }
}
