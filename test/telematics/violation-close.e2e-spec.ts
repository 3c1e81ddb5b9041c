import { randomUUID } from 'node:crypto';
import { ViolationsRepository } from '../../libs/telematics/src/violations/violations.repository.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Closing a violation says whether it closed it: the evaluator publishes violation.closed only
 * then, so a replayed close must answer false (a bare UPDATE … RETURNING through TypeORM answered
 * [rows, count], which always looked like "closed").
 */
describe('violation close', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers the closed violation for the close that closed it and null for a replay or an unknown id', async () => {
    const id = randomUUID();
    const at = new Date('2026-12-01T02:00:00Z');
    const point = { lon: 120.3, lat: 31.5, ts: at.toISOString() };
    await t.db.query(
      `INSERT INTO violations (id, vehicle_id, rule, target_id, target_kind, severity, status, opened_at, detected_at,
         first_point, worst_point, points, chemical_ids, detail)
       VALUES ($1, $2, 'OVERSPEED', NULL, NULL, 'high', 'open', $3, $3, $4, $4, '[]', '{}', '{}')`,
      [id, randomUUID(), at, JSON.stringify(point)],
    );
    const repo = t.app.get(ViolationsRepository);
    const patch = { closedAt: at, closeDetectedAt: at, worstPoint: point, maxValue: null, points: [] };
    // The close that closed it answers the facts the violation opened with (none on this bare row).
    expect(await repo.close(id, patch as never)).toEqual({ facts: null });
    expect(await repo.close(id, patch as never)).toBeNull();
    expect(await repo.close(randomUUID(), patch as never)).toBeNull();
    const [row] = await t.db.query<{ status: string }>(`SELECT status FROM violations WHERE id = $1`, [id]);
    expect(row?.status).toBe('closed');
  });
});
