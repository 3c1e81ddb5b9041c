import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 review, finding 3: the province of a facility outside the city ('市外') is a fact of
 * the facility's siting that emergency management confirms, not what the generator types on a
 * manifest (typing 32 for a Shanghai disposer avoided the cross-province approval, 固废法 Art. 82).
 * - facilities.province: GB/T 2260 code of a '市外' facility, in the siting group.
 * - waste_manifests: the provinces the manifest holds are the confirmed ones (null while a
 *   '市外' facility's is unconfirmed: the transfer then counts as crossing a border); what the
 *   generator stated is kept beside them as a claim. The provinces existing manifests hold for
 *   '市外' facilities were only stated: they move to the claim columns.
 */
export class FacilityProvince1797004000000 implements MigrationInterface {
  name = 'FacilityProvince1797004000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE facilities ADD COLUMN province text');
    await q.query(`
      ALTER TABLE waste_manifests
        ALTER COLUMN generator_province DROP NOT NULL,
        ALTER COLUMN generator_province DROP DEFAULT,
        ALTER COLUMN receiver_province DROP NOT NULL,
        ALTER COLUMN receiver_province DROP DEFAULT,
        ADD COLUMN generator_province_stated text,
        ADD COLUMN receiver_province_stated text`);
    await q.query(`
      UPDATE waste_manifests m
         SET generator_province_stated = m.generator_province, generator_province = NULL
        FROM facilities f
       WHERE f.id = m.generator_facility_id AND f.district = '市外'`);
    await q.query(`
      UPDATE waste_manifests m
         SET receiver_province_stated = m.receiver_province, receiver_province = NULL
        FROM facilities f
       WHERE f.id = m.receiver_facility_id AND f.district = '市外'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE waste_manifests
         SET generator_province = COALESCE(generator_province, generator_province_stated, '32'),
             receiver_province = COALESCE(receiver_province, receiver_province_stated, '32')`);
    await q.query(`
      ALTER TABLE waste_manifests
        DROP COLUMN generator_province_stated,
        DROP COLUMN receiver_province_stated,
        ALTER COLUMN generator_province SET DEFAULT '32',
        ALTER COLUMN generator_province SET NOT NULL,
        ALTER COLUMN receiver_province SET DEFAULT '32',
        ALTER COLUMN receiver_province SET NOT NULL`);
    await q.query('ALTER TABLE facilities DROP COLUMN province');
  }
}
