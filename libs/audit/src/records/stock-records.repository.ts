import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface DeclarationRow {
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

export interface CountRow {
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

/** Declarations and counts: inserted, never updated; the latest one in force per facility and chemical. */
@Injectable()
export class StockRecordsRepository {
  constructor(private readonly db: Database) {}

  async insertDeclarations(rows: Array<Omit<DeclarationRow, 'recorded_at'>>): Promise<void> {
    await this.db.query(
      `INSERT INTO stock_declarations (id, enterprise_id, facility_id, chemical_id, quantity_kg, original_value, original_unit,
                                       as_of, period, corrects_id, note, actor_key_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::numeric[], $6::numeric[], $7::text[],
                            $8::timestamptz[], $9::text[], $10::uuid[], $11::text[], $12::text[])`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.enterprise_id),
        rows.map((r) => r.facility_id),
        rows.map((r) => r.chemical_id),
        rows.map((r) => r.quantity_kg),
        rows.map((r) => r.original_value),
        rows.map((r) => r.original_unit),
        rows.map((r) => r.as_of),
        rows.map((r) => r.period),
        rows.map((r) => r.corrects_id),
        rows.map((r) => r.note),
        rows.map((r) => r.actor_key_id),
      ],
    );
  }

  async insertCounts(rows: Array<Omit<CountRow, 'recorded_at'>>): Promise<void> {
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
        rows.map((r) => r.enterprise_id),
        rows.map((r) => r.facility_id),
        rows.map((r) => r.chemical_id),
        rows.map((r) => r.lot_id),
        rows.map((r) => r.quantity_kg),
        rows.map((r) => r.original_value),
        rows.map((r) => r.original_unit),
        rows.map((r) => r.counted_at),
        rows.map((r) => r.inspector),
        rows.map((r) => r.inspection_ref),
        rows.map((r) => JSON.stringify(r.photos)),
        rows.map((r) => r.corrects_id),
        rows.map((r) => r.note),
        rows.map((r) => r.agency),
        rows.map((r) => r.actor_key_id),
      ],
    );
  }

  declaration(id: string): Promise<DeclarationRow | null> {
    return this.db
      .query<DeclarationRow>('SELECT * FROM stock_declarations WHERE id = $1', [id])
      .then((r) => r[0] ?? null);
  }

  count(id: string): Promise<CountRow | null> {
    return this.db.query<CountRow>('SELECT * FROM stock_counts WHERE id = $1', [id]).then((r) => r[0] ?? null);
  }

  /** The declaration in force at `at` per facility and chemical: the latest as-of, not corrected by a later record. */
  latestDeclarations(facilityIds: string[], at: Date): Promise<DeclarationRow[]> {
    return this.db.query(
      `SELECT DISTINCT ON (d.facility_id, d.chemical_id) d.*
         FROM stock_declarations d
        WHERE d.facility_id = ANY($1::uuid[]) AND d.as_of <= $2
          AND NOT EXISTS (SELECT 1 FROM stock_declarations c WHERE c.corrects_id = d.id AND c.recorded_at <= now())
        ORDER BY d.facility_id, d.chemical_id, d.as_of DESC, d.recorded_at DESC`,
      [facilityIds, at],
    );
  }

  latestCounts(facilityIds: string[], at: Date): Promise<CountRow[]> {
    return this.db.query(
      `SELECT DISTINCT ON (k.facility_id, k.chemical_id) k.*
         FROM stock_counts k
        WHERE k.facility_id = ANY($1::uuid[]) AND k.counted_at <= $2
          AND NOT EXISTS (SELECT 1 FROM stock_counts c WHERE c.corrects_id = k.id)
        ORDER BY k.facility_id, k.chemical_id, k.counted_at DESC, k.recorded_at DESC`,
      [facilityIds, at],
    );
  }

  listDeclarations(facilityId: string, limit: number): Promise<DeclarationRow[]> {
    return this.db.query(
      'SELECT * FROM stock_declarations WHERE facility_id = $1 ORDER BY as_of DESC, recorded_at DESC LIMIT $2',
      [facilityId, limit],
    );
  }

  listCounts(facilityId: string, limit: number): Promise<CountRow[]> {
    return this.db.query(
      'SELECT * FROM stock_counts WHERE facility_id = $1 ORDER BY counted_at DESC, recorded_at DESC LIMIT $2',
      [facilityId, limit],
    );
  }
}
