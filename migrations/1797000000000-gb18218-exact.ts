import { readFileSync } from 'node:fs';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseCsv } from '@lib/platform';

/**
 * GB 18218 right at every boundary (issue 17, item 1):
 * - a unit's process conditions (工艺条件: above the boiling point, a hazardous chemical process,
 *   operation near the explosive limits, pressure above 1.6 MPa) that make its flammable liquids
 *   W5.1 or W5.2 (Table 2), stated by the enterprise and confirmed by emergency management with
 *   the siting;
 * - the physical state of the 剧毒 entries that are gases (seed/highly-toxic-2015-gases.csv, each
 *   with its source): a 剧毒 gas is J1 (5 t), any other 剧毒 entry J2 (50 t). The 134 剧毒 entries
 *   the catalogue seed added without ADR data had no state, so none of them was ever counted.
 */
const seedFile = (name: string): string => readFileSync(new URL(`./seed/${name}`, import.meta.url), 'utf8');

export class Gb18218Exact1797000000000 implements MigrationInterface {
  name = 'Gb18218Exact1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facilities ADD COLUMN process_conditions jsonb NOT NULL DEFAULT '{}'`);
    for (const { values: r } of parseCsv(seedFile('highly-toxic-2015-gases.csv')).records) {
      const uncertain = r.physical_state!.endsWith('?');
      const note = `note: physical state ${r.physical_state!.replace(/\?$/, '')} (${r.basis})${uncertain ? ', uncertain' : ''};${r.source}`;
      await q.query(
        `UPDATE chemicals SET physical_state = $1, sources = concat_ws(';', sources, $2::text)
          WHERE cas = $3 AND un_class IS NULL AND physical_state IS NULL`,
        [r.physical_state!.replace(/\?$/, ''), note, r.cas],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { values: r } of parseCsv(seedFile('highly-toxic-2015-gases.csv')).records)
      await q.query(
        `UPDATE chemicals SET physical_state = NULL, sources = split_part(sources, ';note: physical state', 1)
          WHERE cas = $1 AND un_class IS NULL`,
        [r.cas],
      );
    await q.query('ALTER TABLE facilities DROP COLUMN process_conditions');
  }
}
