import { Receiver } from '../support/exchange.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { post, submit, tripWorld } from '../support/waybill.js';

/**
 * A stolen agency key registers its own receiver: once the key is revoked the receiver learns
 * nothing more (as an open stream of that key ends), and the held deliveries go out, none lost,
 * when a current key of the agency adopts the endpoint.
 */
describe('a webhook endpoint speaks for the key that registered it', () => {
  let t: TestApp;
  const hook = new Receiver();
  beforeAll(async () => {
    t = await createTestApp({
      env: { EXCHANGE_RELAY_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_CAP_MS: '200' },
    });
    await hook.start();
  });
  afterAll(async () => {
    await t.close();
    await hook.close();
  });

  const keyRow = async (key: string): Promise<string> =>
    (
      await t
        .http()
        .get('/v1/api-keys?limit=500')
        .set(...bearer(t.adminKey))
    ).body.items.find((k: { id: string; keyId: string }) => key.startsWith(`hc_${k.keyId}_`)).id as string;

  it('holds the deliveries of a revoked key’s endpoint until a current key of the agency adopts it', async () => {
    const stolen = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const ep = await post(t, stolen, '/v1/exchange/webhooks', { url: hook.url, types: ['waybill.submitted'] });
    expect(ep.status).toBe(201);
    const first = await tripWorld(t);
    expect((await submit(t, first)).status).toBe(200);
    await hook.waitFor(() => hook.accepted.length === 1, 15_000);

    const revoked = await t
      .http()
      .delete(`/v1/api-keys/${await keyRow(stolen)}`)
      .set(...bearer(t.adminKey));
    expect(revoked.status).toBe(204);
    const held = await tripWorld(t);
    const s = await submit(t, held);
    expect(s.status).toBe(200);
    const current = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const view = async () =>
      (
        await t
          .http()
          .get(`/v1/exchange/webhooks/${ep.body.id}`)
          .set(...bearer(current))
      ).body;
    // The delivery was tried and held back with its reason; the receiver got nothing.
    await t.settle(
      async () =>
        (
          await t.db.query<{ last_error: string | null }>(
            'SELECT last_error FROM webhook_deliveries WHERE endpoint_id = $1 AND last_error IS NOT NULL',
            [ep.body.id],
          )
        ).some((d) => d.last_error!.startsWith('WEBHOOK_OWNER_INACTIVE')),
      15_000,
    );
    expect(hook.accepted).toHaveLength(1);
    expect((await view()).pending).toBe(1);

    // Another agency cannot adopt it; transport's current key does, and the held event goes out.
    const police = await t.mintKey({ principal: 'agency', agency: 'police' });
    expect((await post(t, police, `/v1/exchange/webhooks/${ep.body.id}/adopt`)).status).toBe(404);
    const adopted = await post(t, current, `/v1/exchange/webhooks/${ep.body.id}/adopt`);
    expect(adopted.status).toBe(200);
    await hook.waitFor(() => hook.accepted.length === 2, 15_000);
    expect((hook.accepted[1]!.body.data as { waybillId: string }).waybillId).toBe(s.id);
    // The sender records the delivery once the receiver answered.
    await t.settle(async () => (await view()).pending === 0, 15_000);
  });
});
