import { Injectable } from '@nestjs/common';
import { Database } from '@lib/platform';

/** A supervision order (督办): what an agency requires of an enterprise, by when, and where it stands. */
export interface SupervisionOrder {
  id: string;
  number: string;
  enterpriseId: string;
  agency: string;
  issuedBy: string;
  sourceKind: 'finding' | 'violation';
  sourceRef: string;
  requirement: string;
  deadline: Date;
  status: 'open' | 'answered' | 'closed';
  response: string | null;
  respondedAt: Date | null;
  closedAt: Date | null;
  reopened: number;
  overduePublishedFor: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderHistoryEntry {
  at: Date;
  action: string;
  byPrincipal: string;
  note: string | null;
}

interface OrderRow {
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

const toOrder = (r: OrderRow): SupervisionOrder => ({
  id: r.id,
  number: r.number,
  enterpriseId: r.enterprise_id,
  agency: r.agency,
  issuedBy: r.issued_by,
  sourceKind: r.source_kind,
  sourceRef: r.source_ref,
  requirement: r.requirement,
  deadline: r.deadline,
  status: r.status,
  response: r.response,
  respondedAt: r.responded_at,
  closedAt: r.closed_at,
  reopened: r.reopened,
  overduePublishedFor: r.overdue_published_for,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

type OrderPatch = Partial<
  Pick<SupervisionOrder, 'status' | 'response' | 'respondedAt' | 'closedAt' | 'deadline' | 'reopened'>
>;

/** The column each patchable field is stored in (the only names an UPDATE may set). */
const PATCH_COLUMNS: Record<keyof OrderPatch, string> = {
  status: 'status',
  response: 'response',
  respondedAt: 'responded_at',
  closedAt: 'closed_at',
  deadline: 'deadline',
  reopened: 'reopened',
};

@Injectable()
export class OrderRepository {
  constructor(private readonly db: Database) {}

  async insert(
    o: Pick<
      SupervisionOrder,
      'id' | 'number' | 'enterpriseId' | 'agency' | 'issuedBy' | 'sourceKind' | 'sourceRef' | 'requirement' | 'deadline'
    >,
  ) {
    await this.db.query(
      `INSERT INTO supervision_orders (id, number, enterprise_id, agency, issued_by, source_kind, source_ref, requirement, deadline, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open')`,
      [o.id, o.number, o.enterpriseId, o.agency, o.issuedBy, o.sourceKind, o.sourceRef, o.requirement, o.deadline],
    );
  }

  async find(id: string, lock = false): Promise<SupervisionOrder | null> {
    const [row] = await this.db.query<OrderRow>(
      `SELECT * FROM supervision_orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ? toOrder(row) : null;
  }

  async update(id: string, patch: OrderPatch) {
    const keys = Object.keys(patch) as Array<keyof OrderPatch>;
    await this.db.query(
      `UPDATE supervision_orders SET ${keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`,
      [id, ...keys.map((k) => patch[k])],
    );
  }

  async addHistory(orderId: string, action: string, by: string, note: string | null): Promise<void> {
    await this.db.query(
      'INSERT INTO supervision_order_history (order_id, action, by_principal, note) VALUES ($1, $2, $3, $4)',
      [orderId, action, by, note],
    );
  }

  history(orderId: string): Promise<OrderHistoryEntry[]> {
    return this.db.query(
      `SELECT at, action, by_principal AS "byPrincipal", note
         FROM supervision_order_history WHERE order_id = $1 ORDER BY at`,
      [orderId],
    );
  }

  async list(q: {
    enterpriseId?: string;
    status?: string;
    overdue?: boolean;
    open?: boolean;
  }): Promise<SupervisionOrder[]> {
    const rows = await this.db.query<OrderRow>(
      `SELECT * FROM supervision_orders
        WHERE ($1::uuid IS NULL OR enterprise_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND (NOT $3 OR (status <> 'closed' AND deadline < now()))
          AND (NOT $4 OR status <> 'closed')
        ORDER BY deadline LIMIT 1000`,
      [q.enterpriseId ?? null, q.status ?? null, q.overdue ?? false, q.open ?? false],
    );
    return rows.map(toOrder);
  }

  /** Remembers the deadline the order was published overdue for (copied in SQL: a JS Date would drop the microseconds). */
  async markOverduePublished(id: string): Promise<void> {
    await this.db.query('UPDATE supervision_orders SET overdue_published_for = deadline WHERE id = $1', [id]);
  }

  /** Orders past their deadline, not closed, not yet published as overdue for this deadline. */
  async overdueUnpublished(limit: number): Promise<SupervisionOrder[]> {
    const rows = await this.db.query<OrderRow>(
      `SELECT * FROM supervision_orders
        WHERE status <> 'closed' AND deadline < now()
          AND (overdue_published_for IS NULL OR overdue_published_for <> deadline)
        ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toOrder);
  }
}
