import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsBoolean, IsInt, IsUUID, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Allow, Database, DomainError } from '@lib/platform';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

class ProbeWrite {
  @IsUUID() id: string;
  @IsInt() @Min(0) @Max(200) holdMs: number;
  @IsBoolean() fail: boolean;
}

/** A route that writes inside a transaction, holds it open, then commits or rolls back. */
@Controller('v1/probe-writes')
class ProbeController {
  constructor(private readonly db: Database) {}

  @Post('transactional')
  @Allow('admin')
  async transactional(@Body() body: ProbeWrite): Promise<{ id: string }> {
    await this.db.transaction(async () => {
      await this.db.query('INSERT INTO probe_writes (id, kind) VALUES ($1, $2)', [body.id, 'tx']);
      await new Promise((r) => setTimeout(r, body.holdMs));
      if (body.fail) throw new DomainError('PROBE_ROLLBACK', 422, 'asked to roll back');
    });
    return { id: body.id };
  }

  @Post('autocommit')
  @Allow('admin')
  async autocommit(@Body() body: ProbeWrite): Promise<{ id: string }> {
    await this.db.query('INSERT INTO probe_writes (id, kind) VALUES ($1, $2)', [body.id, 'auto']);
    return { id: body.id };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('concurrent requests keep their transactions apart', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [{ module: ProbeModule }] });
    await t.db.query('CREATE TABLE probe_writes (id uuid PRIMARY KEY, kind text NOT NULL)');
  });
  afterAll(() => t.close());

  it("never lets a rolled-back request undo another request's committed write", async () => {
    // Interleave long transactions that roll back with autocommitted writes and committed
    // transactions. On one shared PGlite session without the lease, the autocommitted inserts
    // land inside an open transaction and vanish with its ROLLBACK while their callers got 201.
    const requests = Array.from({ length: 36 }, (_, i) => {
      const kind = i % 3 === 0 ? 'failing' : i % 3 === 1 ? 'autocommit' : 'committing';
      const body = { id: randomUUID(), holdMs: kind === 'autocommit' ? 0 : 40, fail: kind === 'failing' };
      const path = kind === 'autocommit' ? 'autocommit' : 'transactional';
      return t
        .http()
        .post(`/v1/probe-writes/${path}`)
        .set(...bearer(t.adminKey))
        .send(body)
        .then((res) => ({ kind, id: body.id, status: res.status }));
    });
    const results = await Promise.all(requests);
    const committed = results
      .filter((r) => r.status === 201)
      .map((r) => r.id)
      .sort();
    expect(results.filter((r) => r.kind !== 'failing').every((r) => r.status === 201)).toBe(true);
    expect(results.filter((r) => r.kind === 'failing').every((r) => r.status === 422)).toBe(true);
    const stored = (await t.db.query<{ id: string }>('SELECT id FROM probe_writes ORDER BY id'))
      .map((r) => r.id)
      .sort();
    expect(stored).toEqual(committed);
  });
});
