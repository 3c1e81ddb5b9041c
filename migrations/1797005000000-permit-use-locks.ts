import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A highly toxic road pass (剧毒化学品道路运输通行证) covers one trip (Decree 591 Art. 50;
 * 《剧毒化学品购买和公路运输许可证件管理办法》): the database holds at most one use of each, whatever
 * the application's locks do. A use names its licence's kind so a partial unique index can say so.
 */
export class PermitUseLocks1797005000000 implements MigrationInterface {
  name = 'PermitUseLocks1797005000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE permit_uses ADD COLUMN licence_kind text');
    await q.query('UPDATE permit_uses u SET licence_kind = l.kind FROM licences l WHERE l.id = u.licence_id');
    await q.query('ALTER TABLE permit_uses ALTER COLUMN licence_kind SET NOT NULL');
    // Passes already taken by two trips (the race this closes) are for police to sort out, not for
    // a migration to pick a winner: it stops and names them.
    const twice = (await q.query(
      `SELECT licence_id::text AS id FROM permit_uses WHERE licence_kind = 'highly_toxic_road_pass'
        GROUP BY licence_id HAVING count(*) > 1`,
    )) as Array<{ id: string }>;
    if (twice.length) throw new Error(`road passes used by more than one trip: ${twice.map((r) => r.id).join(', ')}`);
    await q.query(
      `CREATE UNIQUE INDEX uq_permit_uses_one_trip ON permit_uses (licence_id) WHERE licence_kind = 'highly_toxic_road_pass'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX uq_permit_uses_one_trip');
    await q.query('ALTER TABLE permit_uses DROP COLUMN licence_kind');
  }
}
