import { type Database, EventSchemas } from '@lib/platform';

/**
 * Every event in this database's outbox whose payload, as stored, does not match its type's
 * published schema: one line per event, `type id: /path: problem; ...`. Outbox.append already
 * refuses such a payload outside production; this reads what was actually stored, whatever wrote it.
 */
export async function eventsOffSchema(db: Database): Promise<string[]> {
  const schemas = EventSchemas.get();
  const offSchema: string[] = [];
  for (let after = '0'; ;) {
    const rows = await db.query<{ position: string; id: string; type: string; payload: unknown }>(
      'SELECT position, id, type, payload FROM outbox WHERE position > $1 ORDER BY position LIMIT 1000',
      [after],
    );
    for (const r of rows) {
      const payload: unknown = typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload;
      const problems = schemas.problems(r.type, payload);
      if (problems.length) offSchema.push(`${r.type} ${r.id}: ${problems.join('; ')}`);
    }
    if (rows.length < 1000) return offSchema;
    after = rows[rows.length - 1]!.position;
  }
}
