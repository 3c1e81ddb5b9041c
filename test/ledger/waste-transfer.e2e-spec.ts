import { chemicalByCas, makeEnterprise, makeLicence } from '../support/factories.js';
import { hoursAgo, party, type Party, PRODUCTION_LICENCE, recorded, stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;

/**
 * Hazardous-waste transfer by the 2021 rules (issue 17, item 6): 8-digit codes of the 2021 list
 * under their category, the transporter's pickup, the cross-province approval ecology asserts
 * (固废法 Art. 82), and waste stored beyond one year (固废法 Art. 81).
 */
describe('hazardous-waste transfer (《危险废物转移管理办法》 2021)', () => {
  let t: TestApp;
  let ethanol: string;
  let carrier: string;
  let carrierKey: string;
  let ecology: string;
  let emergency: string;
  beforeAll(async () => {
    t = await createTestApp();
    ethanol = (await chemicalByCas(t, '64-17-5')).id as string;
    carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    await makeLicence(t, carrier, { kind: 'road_transport', scope: { classes: ['3'] } });
    carrierKey = await t.mintKey({ principal: 'enterprise', enterpriseId: carrier });
    ecology = await t.mintKey({ principal: 'agency', agency: 'ecology' });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
  });
  afterAll(() => t.close());

  const send = (key: string, path: string, body: Json = {}) =>
    t
      .http()
      .post(path)
      .set(...bearer(key))
      .send(body);
  const rules = (body: Json): string[] => ((body.errors as Json[]) ?? []).map((e) => e.rule as string);

  /** A generator holding 100 kg of ethanol waste (HW06) and a disposer licensed for HW06. */
  async function wasteWorld(disposerDistrict = '新吴'): Promise<{ gen: Party; disposer: Party; wasteLotId: string }> {
    const gen = await party(t, { licences: [PRODUCTION_LICENCE] });
    const disposer = await party(t, {
      roles: ['disposer'],
      licences: [{ kind: 'hazardous_waste', scope: { wasteCodes: ['HW06'] } }],
      facilityKind: 'disposal',
      district: disposerDistrict,
    });
    const [p] = await recorded(t, gen.key, {
      operation: 'produce',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotNumber: `W${Math.random().toString(36).slice(2, 8)}`,
      quantity: { value: 100, unit: 'kg' },
    });
    const waste = await recorded(t, gen.key, {
      operation: 'waste_generate',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      wasteCode: 'HW06',
      quantity: { value: 100, unit: 'kg' },
    });
    return { gen, disposer, wasteLotId: waste[1]!.lotId as string };
  }

  const manifestBody = (w: { gen: Party; disposer: Party; wasteLotId: string }, over: Json = {}): Json => ({
    generatorFacilityId: w.gen.facilityId,
    lotId: w.wasteLotId,
    wasteCode: 'HW06',
    // 900-402-06: organic solvents of the hazardous chemicals catalogue spent as cleaning agents or solvents.
    wasteListCode: '900-402-06',
    transporterEnterpriseId: carrier,
    receiverFacilityId: w.disposer.facilityId,
    quantity: { value: 100, unit: 'kg' },
    packaging: 'bulk',
    ...over,
  });

  it('refuses a waste code outside the 2021 list format, or one under another category than the one named', async () => {
    const w = await wasteWorld();
    const malformed = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w, { wasteListCode: '90040206' }));
    expect(malformed.status).toBe(422);
    expect(rules(malformed.body)).toEqual(['WASTE_CODE_FORMAT']);
    // 900-041-49 is an entry of HW49 (contaminated packaging), not of HW06.
    const other = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w, { wasteListCode: '900-041-49' }));
    expect(other.status).toBe(422);
    expect(rules(other.body)).toEqual(['WASTE_CODE_CATEGORY']);
    const missing = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w, { wasteListCode: undefined }));
    expect(missing.status).toBe(400);
    const ok = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ wasteCode: 'HW06', wasteListCode: '900-402-06', crossProvince: false });
  });

  it('lets only the transporter named on the manifest confirm pickup; until then the waste is the generator’s', async () => {
    const w = await wasteWorld();
    const id = (await send(w.gen.key, '/v1/waste-manifests', manifestBody(w))).body.id as string;
    expect((await send(w.gen.key, `/v1/waste-manifests/${id}/ship`, { occurredAt: hoursAgo(3) })).body.state).toBe(
      'shipped',
    );
    expect(await stockKg(t, w.gen.key, w.gen.facilityId, ethanol)).toBe(100);
    // The generator cannot sign for the carrier; another carrier does not even see the manifest.
    const byGenerator = await send(w.gen.key, `/v1/waste-manifests/${id}/pickup`, { occurredAt: hoursAgo(2) });
    expect(byGenerator.status).toBe(422);
    expect(rules(byGenerator.body)).toEqual(['NOT_YOUR_STEP']);
    const otherCarrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    const otherKey = await t.mintKey({ principal: 'enterprise', enterpriseId: otherCarrier });
    expect((await send(otherKey, `/v1/waste-manifests/${id}/pickup`, { occurredAt: hoursAgo(2) })).status).toBe(404);
    // The receiver cannot receive what was not picked up.
    const early = await send(w.disposer.key, `/v1/waste-manifests/${id}/receive`, {
      quantity: { value: 100, unit: 'kg' },
      occurredAt: hoursAgo(1),
    });
    expect(early.status).toBe(409);
    const picked = await send(carrierKey, `/v1/waste-manifests/${id}/pickup`, { occurredAt: hoursAgo(2) });
    expect(picked.status).toBe(200);
    expect(picked.body).toMatchObject({ state: 'picked_up', pickedUpAt: expect.any(String) });
    expect(await stockKg(t, w.gen.key, w.gen.facilityId, ethanol)).toBe(0);
    const received = await send(w.disposer.key, `/v1/waste-manifests/${id}/receive`, {
      quantity: { value: 100, unit: 'kg' },
      occurredAt: hoursAgo(1),
    });
    expect(received.body.state).toBe('received');
  });

  it('refuses a cross-province transfer until ecology/environment asserts its approval; the generator’s number is only a claim', async () => {
    // The disposer lies outside Wuxi, in Shanghai (31): Jiangsu (32) → Shanghai crosses a border.
    const w = await wasteWorld('市外');
    const created = await send(
      w.gen.key,
      '/v1/waste-manifests',
      manifestBody(w, { receiverProvince: '31', approvalNumber: '苏环危转〔2026〕88号' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      generatorProvince: '32',
      // No agency confirmed the disposer's province: the generator's 31 is kept as its claim.
      receiverProvince: null,
      receiverProvinceStated: '31',
      crossProvince: true,
      approval: { number: '苏环危转〔2026〕88号', status: 'claimed' },
    });
    const id = created.body.id as string;
    const refused = await send(w.gen.key, `/v1/waste-manifests/${id}/ship`, { occurredAt: hoursAgo(3) });
    expect(refused.status).toBe(422);
    expect(rules(refused.body)).toEqual(['CROSS_PROVINCE_UNAPPROVED']);
    // Neither the generator nor another agency asserts it.
    expect((await send(w.gen.key, `/v1/waste-manifests/${id}/approval`, { number: 'x' })).status).toBe(403);
    expect((await send(emergency, `/v1/waste-manifests/${id}/approval`, { number: 'x' })).status).toBe(403);
    const asserted = await send(ecology, `/v1/waste-manifests/${id}/approval`, { number: '苏环危转〔2026〕88号' });
    expect(asserted.status).toBe(200);
    expect(asserted.body.approval).toMatchObject({ status: 'asserted', assertedBy: 'agency ecology' });
    expect((await send(w.gen.key, `/v1/waste-manifests/${id}/ship`, { occurredAt: hoursAgo(3) })).status).toBe(200);
    // Within one province there is nothing to approve.
    const local = await wasteWorld();
    const within = (await send(local.gen.key, '/v1/waste-manifests', manifestBody(local))).body.id as string;
    const notCross = await send(ecology, `/v1/waste-manifests/${within}/approval`, { number: 'x' });
    expect(rules(notCross.body)).toEqual(['NOT_CROSS_PROVINCE']);
  });

  it('counts an out-of-city receiver as another province until emergency management confirms its province: stating 32 spares no approval', async () => {
    const w = await wasteWorld('市外');
    // The generator says the (Shanghai) disposer is in Jiangsu; nobody confirmed where it is.
    const claimed = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w, { receiverProvince: '32' }));
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ receiverProvince: null, receiverProvinceStated: '32', crossProvince: true });
    const refused = await send(w.gen.key, `/v1/waste-manifests/${claimed.body.id as string}/ship`, {
      occurredAt: hoursAgo(3),
    });
    expect(refused.status).toBe(422);
    expect(rules(refused.body)).toEqual(['CROSS_PROVINCE_UNAPPROVED']);
    // The disposer's own word on its siting is a claim filed for emergency management, too.
    const byOwner = await t
      .http()
      .patch(`/v1/facilities/${w.disposer.facilityId}`)
      .set(...bearer(w.disposer.key))
      .send({ province: '32' });
    expect(byOwner.status).toBe(202);
    expect(
      (await send(w.gen.key, `/v1/waste-manifests/${claimed.body.id as string}/ship`, { occurredAt: hoursAgo(3) }))
        .status,
    ).toBe(422);
    // Emergency management confirms it is in Shanghai (31): a stated 32 now contradicts the fact.
    const confirmed = await t
      .http()
      .patch(`/v1/facilities/${w.disposer.facilityId}`)
      .set(...bearer(emergency))
      .send({ province: '31' });
    expect(confirmed.status).toBe(200);
    const contradicted = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w, { receiverProvince: '32' }));
    expect(rules(contradicted.body)).toEqual(['PROVINCE_MISMATCH']);
    const shanghai = await send(w.gen.key, '/v1/waste-manifests', manifestBody(w));
    expect(shanghai.body).toMatchObject({ receiverProvince: '31', crossProvince: true });
    // Had it been confirmed in Jiangsu, no approval would be needed, even for the manifest made before.
    await t
      .http()
      .patch(`/v1/facilities/${w.disposer.facilityId}`)
      .set(...bearer(emergency))
      .send({ province: '32' });
    const shipped = await send(w.gen.key, `/v1/waste-manifests/${claimed.body.id as string}/ship`, {
      occurredAt: hoursAgo(3),
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ receiverProvince: '32', crossProvince: false });
  });

  it('warns ecology of waste stored more than one year, and not of waste stored since yesterday', async () => {
    const days = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();
    const gen = await party(t, { licences: [PRODUCTION_LICENCE] });
    // Booked back in time by admin, as corrections with their reason.
    const [p] = await recorded(t, t.adminKey, {
      operation: 'produce',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotNumber: `OLD${Math.random().toString(36).slice(2, 7)}`,
      quantity: { value: 100, unit: 'kg' },
      occurredAt: days(400),
      correctionReason: '纸质台账补录',
    });
    const old = await recorded(t, t.adminKey, {
      operation: 'waste_generate',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      wasteCode: 'HW06',
      wasteLotNumber: `OLDW${Math.random().toString(36).slice(2, 7)}`,
      quantity: { value: 60, unit: 'kg' },
      occurredAt: days(380),
      correctionReason: '纸质台账补录',
    });
    const fresh = await recorded(t, gen.key, {
      operation: 'waste_generate',
      facilityId: gen.facilityId,
      chemicalId: ethanol,
      lotId: p!.lotId,
      wasteCode: 'HW06',
      wasteLotNumber: `NEWW${Math.random().toString(36).slice(2, 7)}`,
      quantity: { value: 10, unit: 'kg' },
    });
    const oldLot = old[1]!.lotId as string;
    const storedAt = old[1]!.occurredAt as string;
    const freshLot = fresh[1]!.lotId as string;
    const listed = await t
      .http()
      .get('/v1/waste-manifests/storage/overdue')
      .set(...bearer(ecology));
    expect(listed.status).toBe(200);
    const mine = (listed.body as Json[]).filter((x) => x.facilityId === gen.facilityId);
    expect(mine).toEqual([
      expect.objectContaining({
        lotId: oldLot,
        wasteCode: 'HW06',
        quantityKg: 60,
        storedSince: storedAt,
        rule: 'WASTE_STORED_OVER_ONE_YEAR',
      }),
    ]);
    expect(mine.map((x) => x.lotId)).not.toContain(freshLot);
    // Judged as of 20 days ago (360 days after storage) it was not yet over a year.
    const earlier = await t
      .http()
      .get(`/v1/waste-manifests/storage/overdue?asOf=${encodeURIComponent(days(20))}`)
      .set(...bearer(ecology));
    expect((earlier.body as Json[]).filter((x) => x.facilityId === gen.facilityId)).toEqual([]);
    // The enterprise sees its own; police do not read waste storage.
    const own = await t
      .http()
      .get('/v1/waste-manifests/storage/overdue')
      .set(...bearer(gen.key));
    expect((own.body as Json[]).map((x) => x.lotId)).toEqual([oldLot]);
    const police = await t.mintKey({ principal: 'agency', agency: 'police' });
    expect(
      (
        await t
          .http()
          .get('/v1/waste-manifests/storage/overdue')
          .set(...bearer(police))
      ).status,
    ).toBe(403);
  });
});
