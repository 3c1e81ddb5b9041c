import { type Party, stockKg } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import {
  content,
  LOADING_CHECK,
  post,
  rulesOf,
  tripWorld,
  type TripWorld,
  wasteForDisposal,
} from '../support/waybill.js';

type Json = Record<string, unknown>;

/**
 * Hazardous waste on an e-waybill (issue 17 review, findings 1 and 8): the transfer manifest's
 * pickup and receipt are the waste's ledger legs, so the waybill's loading, receipt and closing
 * book none for it and the generator's and disposer's stock move exactly once; a manifest of
 * another generator is not found.
 */
describe('a waste lot on a waybill under its transfer manifest (危险废物转移联单)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();
  const get = (key: string, path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(key));

  /** A trip world whose consignor holds 2 t of methanol waste (HW06), a disposer at B licensed for it. */
  async function wasteTrip(): Promise<{ w: TripWorld; disposer: Party; wasteLot: string }> {
    const w = await tripWorld(t);
    return { w, ...(await wasteForDisposal(t, w, hoursAgo(2))) };
  }

  const manifestOf = (w: TripWorld, disposer: Party, wasteLot: string): Json => ({
    generatorFacilityId: w.consignor.facilityId,
    lotId: wasteLot,
    wasteCode: 'HW06',
    wasteListCode: '900-402-06',
    transporterEnterpriseId: w.carrier.enterpriseId,
    receiverFacilityId: disposer.facilityId,
    quantity: { value: 1000, unit: 'kg' },
    packaging: 'bulk',
  });

  it('manifest ship → pickup → waybill load → arrive → receive → close → manifest receive moves each stock once', async () => {
    const { w, disposer, wasteLot } = await wasteTrip();
    const generatorStock = () => stockKg(t, w.consignor.key, w.consignor.facilityId, w.chemicalId);
    const disposerStock = () => stockKg(t, disposer.key, disposer.facilityId, w.chemicalId);
    const before = await generatorStock();
    const manifest = await post(t, w.consignor.key, '/v1/waste-manifests', manifestOf(w, disposer, wasteLot));
    expect(manifest.status).toBe(201);
    const manifestId = manifest.body.id as string;

    // Filed before the handover: a created manifest is accepted at submission.
    const trip = { consigneeId: disposer.enterpriseId, unloadingFacilityId: disposer.facilityId, manifestId };
    const d = await post(
      t,
      w.consignor.key,
      '/v1/waybills',
      content(w, trip, { lotId: wasteLot, quantity: { value: 1000, unit: 'kg' } }),
    );
    expect(d.status).toBe(201);
    const id = d.body.id as string;
    expect((await post(t, w.consignor.key, `/v1/waybills/${id}/submit`)).status).toBe(200);
    // One active waybill per manifest is the database's too (two submissions at one instant both
    // pass the WASTE_MANIFEST_IN_USE read): a second active row naming it is refused.
    await expect(
      t.db.query(
        `INSERT INTO waybills SELECT (json_populate_record(NULL::waybills,
           (to_jsonb(w) || jsonb_build_object('id', gen_random_uuid(), 'number', w.number || '-2'))::json)).*
           FROM waybills w WHERE w.id = $1`,
        [id],
      ),
    ).rejects.toThrow(/uq_waybills_active_manifest/);

    // Loading needs the transporter's pickup on the manifest: shipped alone is not enough.
    expect(
      (await post(t, w.consignor.key, `/v1/waste-manifests/${manifestId}/ship`, { occurredAt: hoursAgo(1) })).status,
    ).toBe(200);
    const early = await post(t, w.consignor.key, `/v1/waybills/${id}/load`, LOADING_CHECK);
    expect(early.status).toBe(422);
    expect(rulesOf(early.body)).toEqual(['WASTE_NOT_PICKED_UP']);
    expect(
      (await post(t, w.carrier.key, `/v1/waste-manifests/${manifestId}/pickup`, { occurredAt: hoursAgo(0.5) })).status,
    ).toBe(200);
    // The pickup booked the 1 000 kg out of the generator's stock.
    expect(await generatorStock()).toBeCloseTo(before - 1000, 3);

    const loaded = await post(t, w.consignor.key, `/v1/waybills/${id}/load`, LOADING_CHECK);
    expect(loaded.status).toBe(200);
    // No second booking out: loading books no ship leg for the manifest's waste.
    expect(await generatorStock()).toBeCloseTo(before - 1000, 3);
    expect((await get(w.consignor.key, `/v1/movements?type=ship&waybillId=${id}`)).body.items).toEqual([]);

    expect((await post(t, w.carrier.key, `/v1/waybills/${id}/depart`)).status).toBe(200);
    expect((await post(t, w.carrier.key, `/v1/waybills/${id}/arrive`)).status).toBe(200);
    const received = await post(t, disposer.key, `/v1/waybills/${id}/receive`, {
      lines: [{ line: 1, quantity: { value: 996, unit: 'kg' } }],
    });
    expect(received.status).toBe(200);
    // The waybill records what its line received; the manifest's receipt books it in.
    expect(((received.body.content as Json).items as Json[])[0]).toMatchObject({
      receivedKg: 996,
      receiveMovementId: null,
    });
    expect(received.body.discrepancy).toBeUndefined();
    expect(await disposerStock()).toBe(0);
    expect((await get(disposer.key, `/v1/movements?type=receive&waybillId=${id}`)).body.items).toEqual([]);

    expect((await post(t, disposer.key, `/v1/waybills/${id}/close`)).status).toBe(200);
    // Closing writes off no transport loss for the manifest's waste: the manifest settles its own.
    expect((await get(disposer.key, `/v1/movements?type=loss&waybillId=${id}`)).body.items).toEqual([]);

    const manifestReceived = await post(t, disposer.key, `/v1/waste-manifests/${manifestId}/receive`, {
      quantity: { value: 996, unit: 'kg' },
      occurredAt: new Date().toISOString(),
    });
    expect(manifestReceived.status).toBe(200);
    expect(await disposerStock()).toBeCloseTo(996, 3);
    expect(await generatorStock()).toBeCloseTo(before - 1000, 3);
  });

  it('answers another generator’s manifest id as a missing one, without its number', async () => {
    const { w, disposer, wasteLot } = await wasteTrip();
    const manifest = await post(t, w.consignor.key, '/v1/waste-manifests', manifestOf(w, disposer, wasteLot));
    expect(manifest.status).toBe(201);
    const stranger = await tripWorld(t);
    const d = await post(
      t,
      stranger.consignor.key,
      '/v1/waybills',
      content(stranger, { manifestId: manifest.body.id }),
    );
    expect(d.status).toBe(201);
    const res = await post(t, stranger.consignor.key, `/v1/waybills/${d.body.id as string}/submit`);
    expect(res.status).toBe(422);
    expect(rulesOf(res.body)).toEqual(['WASTE_MANIFEST_MISSING']);
    expect(JSON.stringify(res.body)).not.toContain(manifest.body.number as string);
  });
});
