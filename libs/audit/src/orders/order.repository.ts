import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

export interface OrderRow {
  id: string;
  number: string;
  enterprise_id: string;
  agency: string;
  issued_by: string;
  source_kind: 'finding' | 'violation';
  source_ref: string;
  requirement: string;
  deadline: Date;
  status: 'open' | 'answered' | 'closed';
  response: string | null;
  responded_at: Date | null;
  closed_at: Date | null;
  reopened: number;
  overdue_published_for: Date | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class OrderRepository {
  constructor(private readonly db: Database) {}

  async insert(
    o: Pick<
      OrderRow,
      | 'id'
      | 'number'
      | 'enterprise_id'
      | 'agency'
      | 'issued_by'
      | 'source_kind'
      | 'source_ref'
      | 'requirement'
      | 'deadline'
    >,
  ) {
    await this.db.query(
      `INSERT INTO supervision_orders (id, number, enterprise_id, agency, issued_by, source_kind, source_ref, requirement, deadline, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open')`,
      [o.id, o.number, o.enterprise_id, o.agency, o.issued_by, o.source_kind, o.source_ref, o.requirement, o.deadline],
    );
  }

  find(id: string, lock = false): Promise<OrderRow | null> {
    return this.db
      .query<OrderRow>(`SELECT * FROM supervision_orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])
      .then((r) => r[0] ?? null);
  }

  async update(
    id: string,
    patch: Partial<
      Pick<
        OrderRow,
        'status' | 'response' | 'responded_at' | 'closed_at' | 'deadline' | 'reopened' | 'overdue_published_for'
      >
    >,
  ) {
    const keys = Object.keys(patch) as Array<keyof typeof patch>;
    await this.db.query(
      `UPDATE supervision_orders SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`,
      [id, ...keys.map((k) => patch[k])],
    );
  }

  async addHistory(orderId: string, action: string, by: string, note: string | null): Promise<void> {
    await this.db.query(
      'INSERT INTO supervision_order_history (order_id, action, by_principal, note) VALUES ($1, $2, $3, $4)',
      [orderId, action, by, note],
    );
  }

  history(orderId: string): Promise<Array<{ at: Date; action: string; by_principal: string; note: string | null }>> {
    return this.db.query(
      'SELECT at, action, by_principal, note FROM supervision_order_history WHERE order_id = $1 ORDER BY at',
      [orderId],
    );
  }

  list(q: { enterpriseId?: string; status?: string; overdue?: boolean; open?: boolean }): Promise<OrderRow[]> {
    return this.db.query(
      `SELECT * FROM supervision_orders
        WHERE ($1::uuid IS NULL OR enterprise_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND (NOT $3 OR (status <> 'closed' AND deadline < now()))
          AND (NOT $4 OR status <> 'closed')
        ORDER BY deadline LIMIT 1000`,
      [q.enterpriseId ?? null, q.status ?? null, q.overdue ?? false, q.open ?? false],
    );
  }

  /** Remembers the deadline the order was published overdue for (copied in SQL: a JS Date would drop the microseconds). */
  async markOverduePublished(id: string): Promise<void> {
    await this.db.query('UPDATE supervision_orders SET overdue_published_for = deadline WHERE id = $1', [id]);
  }

  /** Orders past their deadline, not closed, not yet published as overdue for this deadline. */
  overdueUnpublished(limit: number): Promise<OrderRow[]> {
    return this.db.query(
      `SELECT * FROM supervision_orders
        WHERE status <> 'closed' AND deadline < now()
          AND (overdue_published_for IS NULL OR overdue_published_for <> deadline)
        ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }
}
