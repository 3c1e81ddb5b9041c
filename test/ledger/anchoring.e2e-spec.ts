import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import { canonicalJson, duePeriods, JobName } from '@lib/platform';
import { chainPayload } from '../../libs/ledger/src/chain/hash-chain.js';
import { toChainRow } from '../../libs/ledger/src/ledger.repository.js';
import { Receiver } from '../support/exchange.js';
import { chemicalByCas } from '../support/factories.js';
import { party, PRODUCTION_LICENCE, recorded, SAFE_USE_LICENCE } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { post } from '../support/waybill.js';

type Json = Record<string, unknown>;
interface Head {
  chain: string;
  seq: string;
  hash: string;
}
/** How a link is made: the service's keyed HMAC, or what an attacker without the key can do. */
type LinkFn = (prevHash: string, payload: string) => string;

const unkeyed: LinkFn = (prev, payload) => createHash('sha256').update(prev).update(payload).digest('hex');
const wrongKey: LinkFn = (prev, payload) =>
  createHmac('sha256', 'a-guess-at-the-ledger-chain-key-000').update(prev).update(payload).digest('hex');

// Emergency management's side, written from the published description, not from the service's code.
const sortedJson = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(sortedJson).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Json)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
const sha = (...parts: Array<Buffer | string>): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
function rfc6962Root(heads: Head[]): string {
  const leaves = [...heads]
    .sort((a, b) => (a.chain < b.chain ? -1 : 1))
    .map((h) => sha(Buffer.from([0]), `${h.chain}\n${h.seq}\n${h.hash}`));
  const mth = (l: Buffer[]): Buffer => {
    if (l.length === 0) return sha('');
    if (l.length === 1) return l[0]!;
    let k = 1;
    while (k * 2 < l.length) k *= 2;
    return sha(Buffer.from([1]), mth(l.slice(0, k)), mth(l.slice(k)));
  };
  return mth(leaves).toString('hex');
}

/**
 * Anchoring (issue 15): the table owner who disables the append-only trigger, rewrites a movement
 * or an access record and recomputes the chain (without the key, or with a wrong one) is named by
 * verify, against the keyed links and against the signed checkpoint that emergency management
 * received and kept.
 */
describe('anchoring the hash chains', () => {
  let t: TestApp;
  let emergency: string;
  let police: string;
  let ethanol: string;
  let publicKeyPem = '';
  const emergencyHook = new Receiver();

  beforeAll(async () => {
    t = await createTestApp({ env: { EXCHANGE_RELAY_INTERVAL_MS: '50' } });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    await emergencyHook.start();
    const hook = await post(t, emergency, '/v1/exchange/webhooks', {
      url: emergencyHook.url,
      types: ['integrity.checkpoint'],
    });
    if (hook.status !== 201) throw new Error(`webhook refused: ${hook.status} ${JSON.stringify(hook.body)}`);
    // Emergency management fetches the public key once and pins it.
    const key = await get(emergency, '/v1/checkpoints/public-key');
    if (key.status !== 200) throw new Error(`public key: ${key.status}`);
    publicKeyPem = key.body.pem as string;
  });
  afterAll(async () => {
    await t.close();
    await emergencyHook.close();
  });

  const get = (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));

  /** A facility whose chain holds six movements: a production (seq 1) and five uses (seq 2 to 6). */
  async function facilityWithMovements(lot: string): Promise<{ facilityId: string; key: string; ids: string[] }> {
    const a = await party(t, { licences: [PRODUCTION_LICENCE, SAFE_USE_LICENCE] });
    const [p] = await recorded(t, a.key, {
      operation: 'produce',
      facilityId: a.facilityId,
      chemicalId: ethanol,
      lotNumber: lot,
      quantity: { value: 1000, unit: 'kg' },
    });
    const ids = [p!.id as string];
    for (let i = 0; i < 5; i++) {
      const [u] = await recorded(t, a.key, {
        operation: 'use',
        facilityId: a.facilityId,
        chemicalId: ethanol,
        lotId: p!.lotId,
        quantity: { value: 10, unit: 'kg' },
      });
      ids.push(u!.id as string);
    }
    return { facilityId: a.facilityId, key: a.key, ids };
  }

  /** Emergency's copy of a checkpoint: received by webhook, signature checked, head list fetched and checked. */
  async function received(id: string): Promise<{ data: Json; heads: Head[] }> {
    await emergencyHook.waitFor(() => emergencyHook.ofType('integrity.checkpoint').some((r) => r.body.id === id));
    const data = emergencyHook.ofType('integrity.checkpoint').find((r) => r.body.id === id)!.body.data as Json;
    const { signature, ...body } = data;
    expect(
      verify(
        null,
        Buffer.from(sortedJson(body)),
        createPublicKey(publicKeyPem),
        Buffer.from(signature as string, 'base64'),
      ),
    ).toBe(true);
    const heads: Head[] = [];
    let after = '';
    for (;;) {
      const page = await get(emergency, `/v1/checkpoints/${id}/heads?limit=2${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      heads.push(...(page.body.heads as Head[]));
      if (!page.body.next) break;
      after = page.body.next as string;
    }
    expect(heads).toHaveLength(data.chains as number);
    expect(rfc6962Root(heads)).toBe(data.root);
    return { data, heads };
  }

  async function anchorNow(): Promise<{ data: Json; heads: Head[] }> {
    const res = await post(t, emergency, '/v1/checkpoints');
    expect(res.status).toBe(201);
    return received(res.body.id as string);
  }

  /** As the table owner, in SQL: trigger off, change the movement, recompute the links from it on, move the head. */
  async function rewriteMovement(facilityId: string, seq: number, quantityKg: string, link: LinkFn): Promise<void> {
    await t.db.transaction(async () => {
      await t.db.query('ALTER TABLE movements DISABLE TRIGGER movements_append_only');
      await t.db.query('UPDATE movements SET quantity_kg = $3 WHERE facility_id = $1 AND facility_seq = $2', [
        facilityId,
        seq,
        quantityKg,
      ]);
      const rows = await t.db.query<Record<string, string | Date | null>>(
        'SELECT * FROM movements WHERE facility_id = $1 AND facility_seq >= $2 ORDER BY facility_seq',
        [facilityId, seq],
      );
      let prev = rows[0]!.prev_hash as string;
      for (const r of rows) {
        const hash = link(prev, chainPayload(toChainRow(r).fields));
        await t.db.query('UPDATE movements SET prev_hash = $2, hash = $3 WHERE id = $1', [r.id, prev, hash]);
        prev = hash;
      }
      await t.db.query('UPDATE ledger_chain_heads SET last_hash = $2 WHERE facility_id = $1', [facilityId, prev]);
      await t.db.query('ALTER TABLE movements ENABLE TRIGGER movements_append_only');
    });
  }

  const verifyFacility = async (key: string, facilityId: string): Promise<Json> =>
    (await get(key, `/v1/facilities/${facilityId}/ledger/verify`)).body as Json;

  it('publishes a signed checkpoint that emergency management receives by webhook and checks with the public key and the head list', async () => {
    const f = await facilityWithMovements('A-0');
    const { data, heads } = await anchorNow();
    expect(data).toMatchObject({
      kind: 'demand',
      algorithm: 'Ed25519',
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const last = (
      await t.db.query<{ hash: string }>('SELECT hash FROM movements WHERE facility_id = $1 AND facility_seq = 6', [
        f.facilityId,
      ])
    )[0]!.hash;
    expect(heads).toContainEqual({ chain: `facility:${f.facilityId}`, seq: '6', hash: last });
    // A checkpoint whose root someone changed no longer carries a valid signature.
    const { signature, ...body } = data;
    expect(
      verify(
        null,
        Buffer.from(sortedJson({ ...body, root: 'f'.repeat(64) })),
        createPublicKey(publicKeyPem),
        Buffer.from(signature as string, 'base64'),
      ),
    ).toBe(false);
    // Only emergency management receives checkpoints under the default policy.
    const byPolice = await get(police, '/v1/exchange/feed?types=integrity.checkpoint');
    expect(byPolice.body.events).toEqual([]);
    const byEmergency = await get(emergency, '/v1/exchange/feed?types=integrity.checkpoint&limit=1000');
    expect((byEmergency.body.events as Json[]).map((e) => e.id)).toContain(data.id);
    expect(await verifyFacility(f.key, f.facilityId)).toMatchObject({
      valid: true,
      checked: 6,
      firstBreak: null,
      departure: null,
      checkpoint: { authentic: true, problem: null },
    });
    // Enterprises read their own verification, not the city's checkpoints.
    expect((await get(f.key, '/v1/checkpoints')).status).toBe(403);
    expect((await get(f.key, `/v1/checkpoints/${data.id as string}/heads`)).status).toBe(403);
  });

  it.each([
    ['without the key (plain SHA-256)', unkeyed],
    ['with a wrong key', wrongKey],
  ])(
    "replays the table owner's attack, chain recomputed %s: verify names the movement and where the chain departs from the checkpoint",
    async (_how, link) => {
      const victim = await facilityWithMovements('V-1');
      const bystander = await facilityWithMovements('B-1');
      const { data, heads } = await anchorNow();

      // The database refuses the ordinary UPDATE; the table owner disables the trigger.
      await expect(t.db.query('UPDATE movements SET quantity_kg = -1 WHERE id = $1', [victim.ids[3]])).rejects.toThrow(
        /append-only/,
      );
      await rewriteMovement(victim.facilityId, 4, '-1.000', link);

      const v = await verifyFacility(victim.key, victim.facilityId);
      expect(v).toMatchObject({
        valid: false,
        checked: 3,
        firstBreak: { movementId: victim.ids[3], facilitySeq: '4', problem: 'hash' },
        departure: {
          checkpointId: data.id,
          facilitySeq: '6',
          movementId: victim.ids[5],
          problem: 'changed',
          expectedHash: heads.find((h) => h.chain === `facility:${victim.facilityId}`)!.hash,
        },
      });
      expect((await verifyFacility(bystander.key, bystander.facilityId)).valid).toBe(true);

      // The whole city: the victim's chain is listed, the bystander's is not.
      const city = await get(emergency, '/v1/ledger/verify');
      expect(city.status).toBe(200);
      expect(city.body.valid).toBe(false);
      const broken = city.body.broken as Json[];
      expect(broken.find((b) => b.facilityId === victim.facilityId)).toMatchObject({
        firstBreak: { facilitySeq: '4', problem: 'hash' },
        departure: { checkpointId: data.id, facilitySeq: '6', problem: 'changed' },
      });
      expect(broken.map((b) => b.facilityId)).not.toContain(bystander.facilityId);

      // Emergency management checks its own copy against the database.
      const check = await post(t, emergency, '/v1/checkpoints/verify', { checkpoint: data, heads });
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({ signatureValid: true, stored: 'matches', heads: 'submitted', valid: false });
      expect(check.body.compared).toBe(heads.length);
      expect(check.body.departures).toContainEqual({
        chain: `facility:${victim.facilityId}`,
        seq: '6',
        problem: 'changed',
        expectedHash: heads.find((h) => h.chain === `facility:${victim.facilityId}`)!.hash,
        foundHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        ref: victim.ids[5],
        firstBreak: { ref: victim.ids[3], seq: '4', problem: 'hash' },
      });
      expect((check.body.departures as Json[]).map((d) => d.chain)).not.toContain(`facility:${bystander.facilityId}`);
    },
  );

  it('names rows the table owner removed at the end of a chain, or a whole chain: the checkpoint recorded a head that is gone', async () => {
    const f = await facilityWithMovements('R-1');
    const gone = await facilityWithMovements('R-2');
    const { data, heads } = await anchorNow();
    const goneHead = heads.find((h) => h.chain === `facility:${gone.facilityId}`)!;
    await t.db.transaction(async () => {
      await t.db.query('ALTER TABLE movements DISABLE TRIGGER movements_append_only');
      await t.db.query('DELETE FROM movements WHERE facility_id = $1', [gone.facilityId]);
      await t.db.query('DELETE FROM ledger_chain_heads WHERE facility_id = $1', [gone.facilityId]);
      await t.db.query('DELETE FROM movements WHERE facility_id = $1 AND facility_seq > 4', [f.facilityId]);
      const [last] = await t.db.query<{ hash: string }>(
        'SELECT hash FROM movements WHERE facility_id = $1 AND facility_seq = 4',
        [f.facilityId],
      );
      await t.db.query('UPDATE ledger_chain_heads SET last_seq = 4, last_hash = $2 WHERE facility_id = $1', [
        f.facilityId,
        last!.hash,
      ]);
      await t.db.query('ALTER TABLE movements ENABLE TRIGGER movements_append_only');
    });
    // Every remaining link verifies and the head agrees: only the checkpoint knows two movements are gone.
    expect(await verifyFacility(f.key, f.facilityId)).toMatchObject({
      valid: false,
      checked: 4,
      firstBreak: null,
      headMatches: true,
      departure: { checkpointId: data.id, facilitySeq: '6', movementId: null, problem: 'removed', foundHash: null },
    });
    // A chain with no movement and no head left is still named by the city's verify...
    const city = await get(emergency, '/v1/ledger/verify');
    expect((city.body.broken as Json[]).find((b) => b.facilityId === gone.facilityId)).toEqual({
      facilityId: gone.facilityId,
      checked: 0,
      firstBreak: null,
      headMatches: true,
      departure: expect.objectContaining({ checkpointId: data.id, facilitySeq: '6', problem: 'removed' }),
    });
    // ...and later checkpoints keep its last anchored head instead of quietly dropping the chain.
    const later = await anchorNow();
    expect(later.heads).toContainEqual(goneHead);
  });

  it('is caught by the copy emergency management kept when the table owner also rewrites the stored checkpoint', async () => {
    const f = await facilityWithMovements('S-1');
    const { data, heads } = await anchorNow();
    await rewriteMovement(f.facilityId, 2, '-900.000', unkeyed);
    const [forgedHead] = await t.db.query<{ last_hash: string }>(
      'SELECT last_hash FROM ledger_chain_heads WHERE facility_id = $1',
      [f.facilityId],
    );
    // The stored head lists now say the forged head is what was anchored.
    await t.db.transaction(async () => {
      await t.db.query('ALTER TABLE chain_checkpoint_heads DISABLE TRIGGER chain_checkpoint_heads_append_only');
      await t.db.query('UPDATE chain_checkpoint_heads SET hash = $2 WHERE chain = $1', [
        `facility:${f.facilityId}`,
        forgedHead!.last_hash,
      ]);
      await t.db.query('UPDATE chain_anchor_heads SET hash = $2 WHERE chain = $1', [
        `facility:${f.facilityId}`,
        forgedHead!.last_hash,
      ]);
      await t.db.query('ALTER TABLE chain_checkpoint_heads ENABLE TRIGGER chain_checkpoint_heads_append_only');
    });
    const v = await verifyFacility(f.key, f.facilityId);
    expect(v).toMatchObject({
      valid: false,
      firstBreak: { facilitySeq: '2', problem: 'hash' },
      departure: null,
      checkpoint: { authentic: false, problem: 'heads' },
    });
    // Without its own head list, emergency learns that the stored copy was altered...
    const bare = await post(t, emergency, '/v1/checkpoints/verify', { checkpoint: data });
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ stored: 'altered', heads: null, valid: false, departures: [] });
    // ...and with it, which chain departs and where.
    const kept = await post(t, emergency, '/v1/checkpoints/verify', { checkpoint: data, heads });
    expect(kept.body).toMatchObject({ stored: 'altered', heads: 'submitted', valid: false });
    const ofThisChain = (kept.body.departures as Json[]).filter((d) => d.chain === `facility:${f.facilityId}`);
    expect(ofThisChain).toEqual([
      expect.objectContaining({
        chain: `facility:${f.facilityId}`,
        seq: '6',
        problem: 'changed',
        foundHash: forgedHead!.last_hash,
        firstBreak: { ref: f.ids[1], seq: '2', problem: 'hash' },
      }),
    ]);
  });

  it('refuses a received checkpoint that was altered, signed by another key or misshapen, naming the field', async () => {
    const { data, heads } = await anchorNow();
    const check = (body: Json) => post(t, emergency, '/v1/checkpoints/verify', body);

    const altered = await check({ checkpoint: { ...data, chains: (data.chains as number) + 1 } });
    expect(altered.status).toBe(422);
    expect(altered.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(altered.body.errors).toEqual([
      expect.objectContaining({ path: 'checkpoint.signature', rule: 'SIGNATURE_INVALID' }),
    ]);

    const otherKey = await check({ checkpoint: { ...data, keyId: '0123456789abcdef' } });
    expect(otherKey.status).toBe(422);
    expect(otherKey.body.errors).toEqual([
      expect.objectContaining({ path: 'checkpoint.keyId', rule: 'UNKNOWN_SIGNING_KEY' }),
    ]);

    const wrongList = await check({ checkpoint: data, heads: heads.slice(1) });
    expect(wrongList.status).toBe(422);
    expect(wrongList.body.errors).toEqual([
      expect.objectContaining({ path: 'heads', rule: 'HEADS_DO_NOT_MATCH_ROOT' }),
    ]);
    const twice = await check({ checkpoint: data, heads: [...heads, heads[0]] });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([
      expect.objectContaining({ path: `heads[${heads.length}].chain`, rule: 'DUPLICATE_CHAIN' }),
    ]);

    const { signature: _signature, ...unsigned } = data;
    const misshapen = await check({
      checkpoint: { ...unsigned, root: 'nope' },
      heads: [{ chain: 'ledger', seq: '0', hash: 'x' }],
    });
    expect(misshapen.status).toBe(400);
    expect((misshapen.body.errors as Json[]).map((e) => e.path).sort()).toEqual([
      'checkpoint.root',
      'checkpoint.signature',
      'heads[0].chain',
      'heads[0].hash',
      'heads[0].seq',
    ]);
    // An intact checkpoint checks out, and police may check one too (any agency may hold a copy).
    const fine = await post(t, police, '/v1/checkpoints/verify', { checkpoint: data });
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ stored: 'matches', heads: 'stored' });
  });

  it('publishes the hourly and daily checkpoints once per period, however often the job runs', async () => {
    const before = duePeriods(new Date());
    await t.queue.enqueue(JobName.ChainCheckpoint, {});
    await t.queue.enqueue(JobName.ChainCheckpoint, {});
    await t.settle();
    const after = duePeriods(new Date());
    const expected = (kind: string) =>
      new Set([...before, ...after].filter((p) => p.kind === kind).map((p) => p.period));
    await t.settle(async () => {
      const rows = await t.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM chain_checkpoints WHERE kind IN ('hour', 'day')`,
      );
      return Number(rows[0]!.n) >= 2;
    });
    const stored = await t.db.query<{ id: string; kind: string; period: string }>(
      `SELECT id, kind, period FROM chain_checkpoints WHERE kind IN ('hour', 'day') ORDER BY number`,
    );
    for (const kind of ['hour', 'day']) {
      const periods = stored.filter((c) => c.kind === kind).map((c) => c.period);
      expect(periods.length).toBeGreaterThanOrEqual(1);
      for (const p of periods) expect(expected(kind)).toContain(p);
    }
    // One event per checkpoint, its id the checkpoint's (derived from the period), whatever the runs.
    const events = await t.db.query<{ id: string; n: string }>(
      `SELECT id, count(*) AS n FROM outbox WHERE type = 'integrity.checkpoint' GROUP BY id`,
    );
    for (const c of stored) expect(Number(events.find((e) => e.id === c.id)?.n)).toBe(1);
    await t.queue.enqueue(JobName.ChainCheckpoint, {});
    await t.settle();
    const again = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM chain_checkpoints WHERE kind IN ('hour', 'day')`,
    );
    // A third run within the same hour adds nothing (a run across an hour's end adds that hour only).
    expect(Number(again[0]!.n) - stored.length).toBeLessThanOrEqual(1);
  });

  it("replays the table owner's attack on the access log: verify names the record and the departure from the checkpoint", async () => {
    // Reads of shared data fill the log: here emergency's feed reads of the movements it is given.
    await facilityWithMovements('L-1');
    await t.settle(async () => ((await get(emergency, '/v1/exchange/feed?limit=5')).body.events as Json[]).length > 0);
    for (let i = 0; i < 3; i++) await get(emergency, '/v1/exchange/feed?limit=5');
    const { data, heads } = await anchorNow();
    const anchored = heads.find((h) => h.chain === 'access-log')!;
    expect(Number(anchored.seq)).toBeGreaterThan(3);
    const clean = await get(t.adminKey, '/v1/exchange/access-log/verify');
    expect(clean.body).toMatchObject({ ok: true, firstBreak: null, departure: null, checkpoint: { authentic: true } });

    await expect(t.db.query(`UPDATE access_log SET purpose = '例行检查' WHERE seq = 2`)).rejects.toThrow(/append-only/);
    // As the table owner: trigger off, the record's purpose rewritten, the links recomputed without the key.
    await t.db.transaction(async () => {
      await t.db.query('SELECT seq FROM access_log_head WHERE id = 1 FOR UPDATE');
      await t.db.query('ALTER TABLE access_log DISABLE TRIGGER access_log_append_only');
      await t.db.query(`UPDATE access_log SET purpose = '例行检查' WHERE seq = 2`);
      const rows = await t.db.query<Record<string, unknown>>('SELECT * FROM access_log WHERE seq >= 2 ORDER BY seq');
      let prev = rows[0]!.prev_hash as string;
      for (const r of rows) {
        const record = [
          String(r.seq),
          new Date(r.at as string).toISOString(),
          r.key_id,
          r.principal,
          r.agency,
          r.channel,
          r.action,
          r.subjects,
          r.detail,
          r.purpose,
          r.grant_id,
        ];
        const hash = unkeyed(prev, canonicalJson(record));
        await t.db.query('UPDATE access_log SET prev_hash = $2, hash = $3 WHERE seq = $1', [r.seq, prev, hash]);
        prev = hash;
      }
      await t.db.query('UPDATE access_log_head SET hash = $1 WHERE id = 1', [prev]);
      await t.db.query('ALTER TABLE access_log ENABLE TRIGGER access_log_append_only');
    });
    const broken = await get(t.adminKey, '/v1/exchange/access-log/verify');
    expect(broken.body).toMatchObject({
      ok: false,
      checked: 1,
      firstBreak: { seq: '2', problem: 'hash' },
      departure: { problem: 'changed', agreesUpToSeq: expect.stringMatching(/^[01]$/) },
    });
    // The first checkpoint departed from is the oldest that anchored a record from 2 on (this one or an earlier one).
    const departedAt = Number(broken.body.departure.seq);
    expect(departedAt).toBeGreaterThanOrEqual(2);
    expect(departedAt).toBeLessThanOrEqual(Number(anchored.seq));
    const check = await post(t, emergency, '/v1/checkpoints/verify', { checkpoint: data, heads });
    expect(check.body.departures).toContainEqual(
      expect.objectContaining({
        chain: 'access-log',
        seq: anchored.seq,
        problem: 'changed',
        firstBreak: { ref: '2', seq: '2', problem: 'hash' },
      }),
    );
  });
});
