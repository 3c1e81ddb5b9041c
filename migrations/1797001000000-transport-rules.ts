import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tank rules of the e-waybill (issue 17, item 2). A vehicle records each compartment's capacity
 * (litres; a single-compartment tank is [its volume]), its tank number (罐体编号) — both confirmed
 * by market supervision with the tank's volume and media — and its road transport certificate
 * number (道路运输证号, already a column). The catalogue gets the filling ratio (kg per litre of
 * capacity) of the liquefied gases, from the tank instruction of ADR 4.3.3.2.5 (the same ratios
 * as portable tank instruction T50, 4.2.5.2.6): seed/adr-tank-filling-ratios.csv gives each value
 * with its source. Liquefied gases not listed there (LPG mixtures, refrigerated liquids, gases
 * ADR does not allow in tanks) stay null: their tank loads cannot be checked and are refused.
 */
const RATIOS: Array<[un: string, ratio: string, source: string]> = [
  ['1005', '0.53', 'ADR 4.3.3.2.5; T50'],
  ['1011', '0.51', 'ADR 4.3.3.2.5'],
  ['1017', '1.25', 'ADR 4.3.3.2.5; T50'],
  ['1033', '0.58', 'ADR 4.3.3.2.5; T50'],
  ['1040', '0.78', 'ADR 4.3.3.2.5'],
  ['1053', '0.67', 'ADR 4.3.3.2.5'],
  ['1061', '0.58', 'ADR 4.3.3.2.5; T50'],
  ['1062', '1.51', 'ADR 4.3.3.2.5; T50'],
  ['1063', '0.81', 'ADR 4.3.3.2.5; T50'],
  ['1067', '1.30', 'ADR 4.3.3.2.5; T50'],
  ['1076', '1.23', 'ADR 4.3.3.2.5'],
  ['1077', '0.43', 'ADR 4.3.3.2.5; T50'],
  ['1079', '1.23', 'ADR 4.3.3.2.5; T50'],
  ['1086', '0.81', 'ADR 4.3.3.2.5; T50'],
  ['1978', '0.42', 'ADR 4.3.3.2.5; T50'],
];

export class TransportRules1797001000000 implements MigrationInterface {
  name = 'TransportRules1797001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vehicles ADD COLUMN tank_compartments_l integer[]`);
    await q.query(`ALTER TABLE vehicles ADD COLUMN tank_number text`);
    await q.query(
      `ALTER TABLE vehicles ADD CONSTRAINT ck_vehicles_compartments CHECK (0 < ALL (tank_compartments_l) AND cardinality(tank_compartments_l) BETWEEN 1 AND 8)`,
    );
    // A tank registered before knew only its volume: one compartment of that volume.
    await q.query(
      `UPDATE vehicles SET tank_compartments_l = ARRAY[round(tank_volume_m3 * 1000)::integer] WHERE tank_volume_m3 IS NOT NULL`,
    );
    await q.query(`ALTER TABLE chemicals ADD COLUMN filling_ratio_kg_per_l numeric`);
    await q.query(`ALTER TABLE chemicals ADD COLUMN filling_ratio_source text`);
    for (const [un, ratio, source] of RATIOS)
      await q.query(
        `UPDATE chemicals SET filling_ratio_kg_per_l = $2, filling_ratio_source = $3 WHERE un_number = $1 AND physical_state = 'liquefied_gas'`,
        [un, ratio, source],
      );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE chemicals DROP COLUMN filling_ratio_source');
    await q.query('ALTER TABLE chemicals DROP COLUMN filling_ratio_kg_per_l');
    await q.query('ALTER TABLE vehicles DROP CONSTRAINT ck_vehicles_compartments');
    await q.query('ALTER TABLE vehicles DROP COLUMN tank_number');
    await q.query('ALTER TABLE vehicles DROP COLUMN tank_compartments_l');
  }
}
