import { JobName } from '@lib/platform';
import { chemicalByCas, makeEnterprise, makeLicence, makeVehicle, yearsFromNow } from '../support/factories.js';
import {
  BUSINESS_LICENCE,
  hoursAgo,
  party,
  PRODUCTION_LICENCE,
  record,
  recorded,
  SAFE_USE_LICENCE,
} from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { LOADING_CHECK, post, rulesOf, submit, tripWorld } from '../support/waybill.js';

type Json = Record<string, unknown>;
const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Controlled chemicals (剧毒, 易制爆, 易制毒) and the licences Decree 591 asks of whom: each permit
 * or filing is issued by police, names its chemical, quantity and counterparty (and, for a trip,
 * the vehicles), and is consumed by the purchases, sales and trips booked under it.
 */
describe('controlled chemicals and Decree 591 licences', () => {
  let t: TestApp;
  let police: string;
  let emergency: string;
  let transport: string;
  beforeAll(async () => {
    t = await createTestApp();
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
  });
  afterAll(() => t.close());

  const authorization = async (enterpriseId: string, q: Record<string, string | number>) => {
    const res = await t
      .http()
      .get(`/v1/enterprises/${enterpriseId}/authorization`)
      .query(q)
      .set(...bearer(police));
    expect(res.status).toBe(200);
    return res.body as {
      allowed: boolean;
      reasons: Array<{ code: string; basis?: string }>;
      requirements: Array<{ need: string; basis: string; required: boolean; met: boolean; note?: string }>;
    };
  };

  it('refuses a category 1 drug precursor purchase without a police permit, allows it within the permitted quantity and refuses beyond', async () => {
    // 1-苯基-2-丙酮 (phenylacetone) is a category 1 drug precursor (《易制毒化学品管理条例》 附表); the seeded catalogue has none.
    const created = await post(t, t.adminKey, '/v1/chemicals', {
      cas: '103-79-7',
      nameZh: '1-苯基-2-丙酮',
      unClass: '6.1',
      drugPrecursorCategory: 1,
    });
    expect(created.status).toBe(201);
    const p2p = created.body.id as string;
    const seller = await party(t, { licences: [PRODUCTION_LICENCE] });
    const buyer = await party(t, { roles: ['user'], licences: [SAFE_USE_LICENCE], facilityKind: 'use' });
    const [produced] = await recorded(t, seller.key, {
      operation: 'produce',
      facilityId: seller.facilityId,
      chemicalId: p2p,
      lotNumber: 'P2P-20261201',
      quantity: { value: 1000, unit: 'kg' },
      occurredAt: hoursAgo(30),
    });
    const lotId = produced!.lotId as string;
    const sell = (kg: number) =>
      record(t, seller.key, {
        operation: 'sell',
        facilityId: seller.facilityId,
        toFacilityId: buyer.facilityId,
        chemicalId: p2p,
        lotId,
        quantity: { value: kg, unit: 'kg' },
        occurredAt: hoursAgo(20),
      });
    const receive = (sale: Json, kg: number) =>
      record(t, buyer.key, {
        operation: 'receive',
        facilityId: buyer.facilityId,
        chemicalId: p2p,
        sourceMovementId: sale.id,
        quantity: { value: kg, unit: 'kg' },
        occurredAt: hoursAgo(10),
      });

    const none = await sell(200);
    expect(none.status).toBe(422);
    expect(rulesOf(none.body)).toEqual(['DRUG_PRECURSOR_PERMIT_REQUIRED']);

    // The buyer files its permit: a claim, nothing until police verify it.
    const filed = await post(t, buyer.key, `/v1/enterprises/${buyer.enterpriseId}/licences`, {
      kind: 'drug_precursor_purchase_permit',
      number: '苏公易购[2026]0007',
      issuer: '江苏省公安厅',
      validFrom: day(-3),
      validTo: day(30),
      scope: { chemicalIds: [p2p] },
      permittedQuantityKg: 300,
      counterpartyId: seller.enterpriseId,
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'pending', permittedQuantityKg: 300, issuingAgency: 'police' });
    expect(rulesOf((await sell(200)).body)).toEqual(['DRUG_PRECURSOR_PERMIT_REQUIRED', 'LICENCE_PENDING']);
    const verified = await t
      .http()
      .put(`/v1/enterprises/${buyer.enterpriseId}/licences/${filed.body.id as string}/status`)
      .set(...bearer(police))
      .send({ status: 'verified' });
    expect(verified.status).toBe(200);

    // 200 of 300 kg: sold and received; the receipt (the purchase, 购买) consumes the permit.
    const first = await sell(200);
    expect(first.status).toBe(201);
    const sale = (first.body as unknown as Json[])[0]!;
    expect((await receive(sale, 200)).status).toBe(201);
    const [use] = await t.db.query<{ kg: string }>(
      'SELECT quantity_kg::text AS kg FROM permit_uses WHERE licence_id = $1',
      [filed.body.id],
    );
    expect(Number(use!.kg)).toBe(200);
    // 200 + 150 = 350 > 300: refused, the seller hears only the rule.
    const over = await sell(150);
    expect(over.status).toBe(422);
    expect(rulesOf(over.body)).toEqual(['DRUG_PRECURSOR_PERMIT_REQUIRED', 'PERMIT_QUANTITY_EXCEEDED']);
    // 200 + 100 = 300: exactly the permitted quantity.
    expect((await sell(100)).status).toBe(201);

    const answer = await authorization(buyer.enterpriseId, {
      activity: 'buy',
      chemicalId: p2p,
      quantityKg: 101,
      counterpartyId: seller.enterpriseId,
    });
    expect(answer.allowed).toBe(false);
    expect(answer.reasons.map((r) => r.code)).toEqual(['DRUG_PRECURSOR_PERMIT_REQUIRED', 'PERMIT_QUANTITY_EXCEEDED']);
    expect(answer.reasons[1]!.basis).toBe('《易制毒化学品管理条例》 Art. 14–15');

    // The buyer reverses its receipt (a booking made in error): the 200 kg it took of the permit come back.
    const [receipt] = await t.db.query<{ subject_id: string }>(
      'SELECT subject_id FROM permit_uses WHERE licence_id = $1',
      [filed.body.id],
    );
    const reversed = await post(t, buyer.key, `/v1/movements/${receipt!.subject_id}/reverse`, {
      reason: 'booked against the wrong delivery note',
    });
    expect(reversed.status).toBe(201);
    expect(await t.db.query('SELECT 1 FROM permit_uses WHERE licence_id = $1', [filed.body.id])).toEqual([]);
    const again = await authorization(buyer.enterpriseId, {
      activity: 'buy',
      chemicalId: p2p,
      quantityKg: 300,
      counterpartyId: seller.enterpriseId,
    });
    expect(again.allowed).toBe(true);
  });

  it('refuses a highly toxic trip whose road pass names another vehicle or a smaller quantity; loading takes the pass for its trip', async () => {
    const w = await tripWorld(t, {
      transportKey: transport,
      cas: '143-33-9',
      vehicle: { kind: 'van', tankVolumeM3: undefined },
      driver: { qualificationKind: 'dg_driver_toxic_explosive' },
      escort: { qualificationKind: 'dg_escort_toxic_explosive' },
      consigneeLicences: [{ kind: 'business', scope: { classes: ['6.1'] } }],
    });
    const item = { quantity: { value: 500, unit: 'kg' }, packaging: 'packaged', packages: 20, compartment: undefined };
    const issue = async (number: string, over: Json) => {
      const res = await post(t, police, `/v1/enterprises/${w.consignor.enterpriseId}/licences`, {
        kind: 'highly_toxic_road_pass',
        number,
        issuer: '无锡市公安局',
        validFrom: day(-1),
        validTo: day(3),
        scope: { chemicalIds: [w.chemicalId], routeIds: [w.routeId], vehicleIds: [w.vehicleId] },
        permittedQuantityKg: 500,
        ...over,
      });
      expect(res.status).toBe(201);
      return { number, validFrom: day(-1), validTo: day(3), routeId: w.routeId };
    };
    const otherVehicle = (await makeVehicle(t, w.carrier.enterpriseId, { permittedClasses: ['6.1'] })).id as string;
    const elsewhere = await issue('锡公剧通字[2026]0101号', {
      scope: { chemicalIds: [w.chemicalId], routeIds: [w.routeId], vehicleIds: [otherVehicle] },
    });
    const small = await issue('锡公剧通字[2026]0102号', { permittedQuantityKg: 499.999 });
    const right = await issue('锡公剧通字[2026]0103号', {});

    const refusedWith = async (pass: Json) => {
      const s = await submit(t, w, { toxicPass: pass }, item);
      expect(s.status).toBe(422);
      return rulesOf(s.body);
    };
    expect(await refusedWith(elsewhere)).toEqual(['TOXIC_PASS_VEHICLE']);
    // 500 kg on board against 499.999 kg on the pass: one gram over.
    expect(await refusedWith(small)).toEqual(['TOXIC_PASS_QUANTITY']);

    const ok = await submit(t, w, { toxicPass: right }, item);
    expect(ok.status).toBe(200);
    const loaded = await post(t, w.consignor.key, `/v1/waybills/${ok.id}/load`, LOADING_CHECK);
    expect(loaded.status).toBe(200);
    // One pass, one trip: the loaded trip holds it (any later trip naming it is refused TOXIC_PASS_USED).
    const uses = await t.db.query<{ subject_id: string; kg: string }>(
      `SELECT subject_id, quantity_kg::text AS kg FROM permit_uses u JOIN licences l ON l.id = u.licence_id WHERE l.number = $1`,
      [right.number],
    );
    expect(uses.map((u) => [u.subject_id, Number(u.kg)])).toEqual([[ok.id, 500]]);
    // The database holds it too, whatever a writer does: a second use of the pass is refused.
    await expect(
      t.db.query(
        `INSERT INTO permit_uses (licence_id, licence_kind, subject_type, subject_id, chemical_id, quantity_kg, used_at)
         SELECT licence_id, licence_kind, 'waybill', gen_random_uuid(), chemical_id, 1, now() FROM permit_uses
          WHERE subject_id = $1`,
        [ok.id],
      ),
    ).rejects.toThrow(/uq_permit_uses_one_trip/);
  });

  it('refuses at submission a waybill carrying more than the consignee’s purchase filing allows, before the goods move', async () => {
    // 甲苯 (toluene) is a category 3 drug precursor: the buyer's purchase filing, the consignor's transport filing.
    const w = await tripWorld(t, { transportKey: transport, cas: '108-88-3' });
    const issue = (holder: string, over: Json) =>
      post(t, police, `/v1/enterprises/${holder}/licences`, {
        issuer: '无锡市公安局',
        validFrom: day(-1),
        validTo: day(3),
        scope: { chemicalIds: [w.chemicalId] },
        ...over,
      });
    expect(
      (
        await issue(w.consignor.enterpriseId, {
          kind: 'drug_precursor_transport_filing',
          number: '锡公易运备[2026]0501',
          scope: { chemicalIds: [w.chemicalId], vehicleIds: [w.vehicleId] },
          permittedQuantityKg: 50_000,
          counterpartyId: w.consignee.enterpriseId,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await issue(w.consignee.enterpriseId, {
          kind: 'drug_precursor_purchase_filing',
          number: '锡公易购备[2026]0502',
          permittedQuantityKg: 5000,
          counterpartyId: w.consignor.enterpriseId,
        })
      ).status,
    ).toBe(201);

    // 10 t against a 5 t filing: the seller checks before selling (条例 Art. 18), not the receipt after the trip.
    const over = await submit(t, w);
    expect(over.status).toBe(422);
    expect(rulesOf(over.body)).toEqual([
      'CONSIGNEE_DRUG_PRECURSOR_FILING_REQUIRED',
      'CONSIGNEE_PERMIT_QUANTITY_EXCEEDED',
    ]);
    // 5 t: exactly the filed quantity.
    const within = await submit(t, w, {}, { quantity: { value: 5, unit: 't' } });
    expect(within.status).toBe(200);
  });

  it('warns police when an explosive precursor sale is not filed within 5 days, and not once the seller filed it', async () => {
    const nitric = (await chemicalByCas(t, '7697-37-2')).id as string; // 8, 易制爆
    const seller = await party(t, { licences: [PRODUCTION_LICENCE] });
    const buyer = await party(t, { licences: [BUSINESS_LICENCE] });
    const [produced] = await recorded(t, seller.key, {
      operation: 'produce',
      facilityId: seller.facilityId,
      chemicalId: nitric,
      lotNumber: 'HNO3-1201',
      quantity: { value: 5, unit: 't' },
      occurredAt: hoursAgo(40),
    });
    const sellKg = async (kg: number) =>
      (
        await recorded(t, seller.key, {
          operation: 'sell',
          facilityId: seller.facilityId,
          toFacilityId: buyer.facilityId,
          chemicalId: nitric,
          lotId: produced!.lotId,
          quantity: { value: kg, unit: 'kg' },
          occurredAt: hoursAgo(30),
        })
      )[0]!.id as string;
    const unfiled = await sellKg(800);
    const filed = await sellKg(400);
    const sales = await t.db.query<{ id: string; movement_id: string }>(
      'SELECT id, movement_id FROM controlled_sales WHERE seller_id = $1',
      [seller.enterpriseId],
    );
    expect(sales.map((s) => s.movement_id).sort()).toEqual([unfiled, filed].sort());
    // The seller files the second sale with police (销售备案), who verify it.
    await makeLicence(t, seller.enterpriseId, {
      kind: 'controlled_sale_filing',
      number: '锡公易爆备[2026]0311',
      issuer: '无锡市公安局新吴分局',
      validFrom: day(-1),
      validTo: day(0),
      scope: { chemicalIds: [nitric] },
      permittedQuantityKg: 400,
      counterpartyId: buyer.enterpriseId,
    });
    // Five days pass.
    await t.db.query(`UPDATE controlled_sales SET due_at = now() - interval '1 minute' WHERE seller_id = $1`, [
      seller.enterpriseId,
    ]);
    const warnings = () =>
      t.db.query<{ payload: Json }>(
        `SELECT payload FROM outbox WHERE type = 'controlled.sale_unfiled' AND payload->>'sellerId' = $1`,
        [seller.enterpriseId],
      );
    await t.queue.enqueue(JobName.ControlledSaleFilings, {});
    await t.settle(async () => (await warnings()).length === 1);
    await t.queue.enqueue(JobName.ControlledSaleFilings, {});
    await t.settle();
    const published = await warnings();
    expect(published).toHaveLength(1);
    expect(published[0]!.payload).toMatchObject({ movementId: unfiled, quantityKg: 800, buyerId: buyer.enterpriseId });
    const overdue = await t
      .http()
      .get('/v1/controlled-sales?overdue=true')
      .set(...bearer(police));
    expect(overdue.status).toBe(200);
    const mine = (overdue.body.items as Json[]).filter((s) => s.sellerId === seller.enterpriseId);
    expect(mine.map((s) => s.movementId)).toEqual([unfiled]);
    expect(mine[0]).toMatchObject({ overdue: true, filingId: null });
    const [recordedSale] = await t.db.query<{ filing_id: string | null; warned_at: Date | null }>(
      'SELECT filing_id, warned_at FROM controlled_sales WHERE movement_id = $1',
      [filed],
    );
    expect(recordedSale!.filing_id).not.toBeNull();
    expect(recordedSale!.warned_at).toBeNull();
  });

  it('asks a safe use licence of a chemical plant above the thresholds but not of a hospital using a small quantity, naming Art. 29', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const at = new Date().toISOString();
    const plant = (await makeEnterprise(t, { roles: ['user'] })).id as string;
    const forPlant = await authorization(plant, { activity: 'use', chemicalId: ethanol, at });
    expect(forPlant.allowed).toBe(false);
    expect(forPlant.reasons).toEqual([
      expect.objectContaining({ code: 'LICENCE_MISSING', basis: expect.stringContaining('Decree 591 Art. 29') }),
    ]);

    const hospital = await makeEnterprise(t, { roles: ['user'] });
    const hospitalKey = await t.mintKey({ principal: 'enterprise', enterpriseId: hospital.id as string });
    // The hospital says what it is: a claim for emergency management, which decides what it may do.
    const claimed = await t
      .http()
      .patch(`/v1/enterprises/${hospital.id as string}`)
      .set(...bearer(hospitalKey))
      .send({ sector: 'hospital', usesAboveThreshold: false });
    expect(claimed.status).toBe(202);
    expect(claimed.body).toMatchObject({ sector: 'chemical', usesAboveThreshold: true });
    expect((await authorization(hospital.id as string, { activity: 'use', chemicalId: ethanol, at })).allowed).toBe(
      false,
    );
    const filingId = (claimed.body.pendingChanges as Json[])[0]!.filingId as string;
    expect((await post(t, emergency, `/v1/filings/${filingId}/confirm`, {})).status).toBeLessThan(300);

    const forHospital = await authorization(hospital.id as string, { activity: 'use', chemicalId: ethanol, at });
    expect(forHospital.allowed).toBe(true);
    expect(forHospital.requirements).toEqual([
      expect.objectContaining({
        required: false,
        met: true,
        basis: 'Decree 591 Art. 29; 《危险化学品安全使用许可证实施办法》 Art. 2',
        note: expect.stringContaining('hospital'),
      }),
    ]);
  });

  it('lets a confirmed hospital receive a shipment of an ordinary chemical without a safe use licence (Art. 29)', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const seller = await party(t, { licences: [PRODUCTION_LICENCE] });
    const hospital = await party(t, { roles: ['user'], facilityKind: 'use' });
    const [produced] = await recorded(t, seller.key, {
      operation: 'produce',
      facilityId: seller.facilityId,
      chemicalId: ethanol,
      lotNumber: 'ETOH-HOSP-1',
      quantity: { value: 100, unit: 'kg' },
      occurredAt: hoursAgo(30),
    });
    const sell = () =>
      record(t, seller.key, {
        operation: 'sell',
        facilityId: seller.facilityId,
        toFacilityId: hospital.facilityId,
        chemicalId: ethanol,
        lotId: produced!.lotId,
        quantity: { value: 20, unit: 'kg' },
        occurredAt: hoursAgo(20),
      });
    // Held to the strictest reading until emergency management confirms what it is.
    const unconfirmed = await sell();
    expect(unconfirmed.status).toBe(422);
    expect(rulesOf(unconfirmed.body)).toEqual(['LICENCE_MISSING']);
    const confirmed = await t
      .http()
      .patch(`/v1/enterprises/${hospital.enterpriseId}`)
      .set(...bearer(emergency))
      .send({ sector: 'hospital', usesAboveThreshold: false });
    expect(confirmed.status).toBe(200);

    const sold = await sell();
    expect(sold.status).toBe(201);
    const received = await record(t, hospital.key, {
      operation: 'receive',
      facilityId: hospital.facilityId,
      chemicalId: ethanol,
      sourceMovementId: (sold.body as unknown as Json[])[0]!.id,
      quantity: { value: 20, unit: 'kg' },
      occurredAt: hoursAgo(10),
    });
    expect(received.status).toBe(201);
    const store = await authorization(hospital.enterpriseId, {
      activity: 'store',
      chemicalId: ethanol,
      at: new Date().toISOString(),
    });
    expect(store.requirements).toEqual([
      expect.objectContaining({ required: false, met: true, basis: expect.stringContaining('Decree 591 Art. 29') }),
    ]);
  });

  it('lets a trader without storage sell but not store (经营许可证 不带储存), naming the article', async () => {
    const ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    const trader = (await makeEnterprise(t, { roles: ['trader'] })).id as string;
    await makeLicence(t, trader, {
      kind: 'business',
      withStorage: false,
      scope: { classes: ['3'] },
      validTo: yearsFromNow(2),
    });
    const at = new Date().toISOString();
    const sell = await authorization(trader, { activity: 'sell', chemicalId: ethanol, at });
    expect(sell.allowed).toBe(true);
    expect(sell.requirements[0]).toMatchObject({ basis: 'Decree 591 Art. 33', met: true });
    const store = await authorization(trader, { activity: 'store', chemicalId: ethanol, at });
    expect(store.reasons.map((r) => r.code)).toEqual(['BUSINESS_WITHOUT_STORAGE']);
  });
});
