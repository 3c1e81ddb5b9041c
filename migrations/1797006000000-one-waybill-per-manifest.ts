import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hazardous-waste transfer manifest (危险废物转移联单) travels on one active e-waybill at a time
 * (《危险废物转移管理办法》 2021: one manifest per transfer). The waybill rule WASTE_MANIFEST_IN_USE
 * reads it; two submissions at the same instant could both pass that read, so the database holds
 * it too: a second active waybill naming the manifest is refused (409 DUPLICATE), whatever a writer does.
 */
export class OneWaybillPerManifest1797006000000 implements MigrationInterface {
  name = 'OneWaybillPerManifest1797006000000';

  async up(q: QueryRunner): Promise<void> {
    // Manifests already on two active waybills are for ecology/environment to sort out, not for a
    // migration to pick one: it stops and names them.
    const twice = (await q.query(
      `SELECT manifest_id::text AS id FROM waybills
        WHERE manifest_id IS NOT NULL AND status IN ('submitted', 'loaded', 'in_transit', 'arrived')
        GROUP BY manifest_id HAVING count(*) > 1`,
    )) as Array<{ id: string }>;
    if (twice.length)
      throw new Error(`manifests on more than one active waybill: ${twice.map((r) => r.id).join(', ')}`);
    await q.query(
      `CREATE UNIQUE INDEX uq_waybills_active_manifest ON waybills (manifest_id)
        WHERE manifest_id IS NOT NULL AND status IN ('submitted', 'loaded', 'in_transit', 'arrived')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX uq_waybills_active_manifest');
  }
}
