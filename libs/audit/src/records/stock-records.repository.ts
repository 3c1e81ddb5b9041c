import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

/** An enterprise's stock declaration (企业申报) of one chemical at one facility. */
export interface StockDeclaration {
  id: string;
  enterpriseId: string;
  facilityId: string;
  chemicalId: string;
  /** numeric, as PostgreSQL returns it */
  quantityKg: string;
  originalValue: string;
  originalUnit: string;
  asOf: Date;
  period: string | null;
  correctsId: string | null;
  note: string | null;
  recordedAt: Date;
  actorKeyId: string | null;
}

/** A physical count (现场盘点) of one chemical (and lot) at one facility. */
export interface StockCount {
  id: string;
  enterpriseId: string;
  facilityId: string;
  chemicalId: string;
  lotId: string | null;
  quantityKg: string;
  originalValue: string;
  originalUnit: string;
  countedAt: Date;
  inspector: string;
  inspectionRef: string | null;
  photos: string[];
  correctsId: string | null;
  note: string | null;
  agency: string | null;
  recordedAt: Date;
  actorKeyId: string | null;
}

interface DeclarationRow {
  id: string;
  enterprise_id: string;
  facility_id: string;
  chemical_id: string;
  quantity_kg: string;
  original_value: string;
  original_unit: string;
  as_of: Date;
  period: string | null;
  corrects_id: string | null;
  note: string | null;
  recorded_at: Date;
  actor_key_id: string | null;
}

interface CountRow {
  id: string;
  enterprise_id: string;
  facility_id: string;
  chemical_id: string;
  lot_id: string | null;
  quantity_kg: string;
  original_value: string;
  original_unit: string;
  counted_at: Date;
  inspector: string;
  inspection_ref: string | null;
  photos: string[];
  corrects_id: string | null;
  note: string | null;
  agency: string | null;
  recorded_at: Date;
  actor_key_id: string | null;
}

const toDeclaration = (r: DeclarationRow): StockDeclaration => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  facilityId: r.facility_id,
  chemicalId: r.chemical_id,
  quantityKg: r.quantity_kg,
  originalValue: r.original_value,
  originalUnit: r.original_unit,
  asOf: r.as_of,
  period: r.period,
  correctsId: r.corrects_id,
  note: r.note,
  recordedAt: r.recorded_at,
  actorKeyId: r.actor_key_id,
});

const toCount = (r: CountRow): StockCount => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  facilityId: r.facility_id,
  chemicalId: r.chemical_id,
  lotId: r.lot_id,
  quantityKg: r.quantity_kg,
  originalValue: r.original_value,
  originalUnit: r.original_unit,
  countedAt: r.counted_at,
  inspector: r.inspector,
  inspectionRef: r.inspection_ref,
  photos: r.photos,
  correctsId: r.corrects_id,
  note: r.note,
  agency: r.agency,
  recordedAt: r.recorded_at,
  actorKeyId: r.actor_key_id,
});

/** Declarations and counts: inserted, never updated; the latest one in force per facility and chemical. */
@Injectable()
export class StockRecordsRepository {
  constructor(private readonly db: Database) {}

  async insertDeclarations(rows: Array<Omit<StockDeclaration, 'recordedAt'>>): Promise<void> {
    await this.db.query(
      `INSERT INTO stock_declarations (id, enterprise_id, facility_id, chemical_id, quantity_kg, original_value, original_unit,
                                       as_of, period, corrects_id, note, actor_key_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::numeric[], $6::numeric[], $7::text[],
                            $8::timestamptz[], $9::text[], $10::uuid[], $11::text[], $12::text[])`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.enterpriseId),
        rows.map((r) => r.facilityId),
        rows.map((r) => r.chemicalId),
        rows.map((r) => r.quantityKg),
        rows.map((r) => r.originalValue),
        rows.map((r) => r.originalUnit),
        rows.map((r) => r.asOf),
        rows.map((r) => r.period),
        rows.map((r) => r.correctsId),
        rows.map((r) => r.note),
        rows.map((r) => r.actorKeyId),
      ],
    );
  }

  async insertCounts(rows: Array<Omit<StockCount, 'recordedAt'>>): Promise<void> {
    await this.db.query(
      `INSERT INTO stock_counts (id, enterprise_id, facility_id, chemical_id, lot_id, quantity_kg, original_value, original_unit,
                                 counted_at, inspector, inspection_ref, photos, corrects_id, note, agency, actor_key_id)
       SELECT id, enterprise_id, facility_id, chemical_id, lot_id, quantity_kg, original_value, original_unit, counted_at,
              inspector, inspection_ref, ARRAY(SELECT jsonb_array_elements_text(photos::jsonb)), corrects_id, note, agency, actor_key_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::numeric[], $8::text[],
                     $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::uuid[], $14::text[], $15::text[], $16::text[])
           AS t(id, enterprise_id, facility_id, chemical_id, lot_id, quantity_kg, original_value, original_unit, counted_at,
                inspector, inspection_ref, photos, corrects_id, note, agency, actor_key_id)`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.enterpriseId),
        rows.map((r) => r.facilityId),
        rows.map((r) => r.chemicalId),
        rows.map((r) => r.lotId),
        rows.map((r) => r.quantityKg),
        rows.map((r) => r.originalValue),
        rows.map((r) => r.originalUnit),
        rows.map((r) => r.countedAt),
        rows.map((r) => r.inspector),
        rows.map((r) => r.inspectionRef),
        rows.map((r) => JSON.stringify(r.photos)),
        rows.map((r) => r.correctsId),
        rows.map((r) => r.note),
        rows.map((r) => r.agency),
        rows.map((r) => r.actorKeyId),
      ],
    );
  }

  async declaration(id: string): Promise<StockDeclaration | null> {
    const [row] = await this.db.query<DeclarationRow>('SELECT * FROM stock_declarations WHERE id = $1', [id]);
    return row ? toDeclaration(row) : null;
  }

  async count(id: string): Promise<StockCount | null> {
    const [row] = await this.db.query<CountRow>('SELECT * FROM stock_counts WHERE id = $1', [id]);
    return row ? toCount(row) : null;
  }

  /** The declaration in force at `at` per facility and chemical: the latest as-of, not corrected by a later record. */
  async latestDeclarations(facilityIds: string[], at: Date): Promise<StockDeclaration[]> {
    const rows = await this.db.query<DeclarationRow>(
      `SELECT DISTINCT ON (d.facility_id, d.chemical_id) d.*
         FROM stock_declarations d
        WHERE d.facility_id = ANY($1::uuid[]) AND d.as_of <= $2
          AND NOT EXISTS (SELECT 1 FROM stock_declarations c WHERE c.corrects_id = d.id AND c.recorded_at <= now())
        ORDER BY d.facility_id, d.chemical_id, d.as_of DESC, d.recorded_at DESC`,
      [facilityIds, at],
    );
    return rows.map(toDeclaration);
  }

  async latestCounts(facilityIds: string[], at: Date): Promise<StockCount[]> {
    const rows = await this.db.query<CountRow>(
      `SELECT DISTINCT ON (k.facility_id, k.chemical_id) k.*
         FROM stock_counts k
        WHERE k.facility_id = ANY($1::uuid[]) AND k.counted_at <= $2
          AND NOT EXISTS (SELECT 1 FROM stock_counts c WHERE c.corrects_id = k.id)
        ORDER BY k.facility_id, k.chemical_id, k.counted_at DESC, k.recorded_at DESC`,
      [facilityIds, at],
    );
    return rows.map(toCount);
  }

  async listDeclarations(facilityId: string, limit: number): Promise<StockDeclaration[]> {
    const rows = await this.db.query<DeclarationRow>(
      'SELECT * FROM stock_declarations WHERE facility_id = $1 ORDER BY as_of DESC, recorded_at DESC LIMIT $2',
      [facilityId, limit],
    );
    return rows.map(toDeclaration);
  }

  async listCounts(facilityId: string, limit: number): Promise<StockCount[]> {
    const rows = await this.db.query<CountRow>(
      'SELECT * FROM stock_counts WHERE facility_id = $1 ORDER BY counted_at DESC, recorded_at DESC LIMIT $2',
      [facilityId, limit],
    );
    return rows.map(toCount);
  }
}
