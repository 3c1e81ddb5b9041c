import supertest from 'supertest';
import type { TestApp } from '../../support/test-app.js';

/**
 * The test factories (tripWorld, makeVehicle, …) speak to a TestApp through `http()`, `adminKey`
 * and `mintKey()` only: this gives them an api running as its own process instead.
 */
export function remoteApp(base: string, adminKey: string): TestApp {
  const remote: Pick<TestApp, 'http' | 'adminKey' | 'baseUrl' | 'mintKey'> = {
    baseUrl: base,
    adminKey,
    http: () => supertest.agent(base),
    async mintKey(request) {
      const res = await supertest(base)
        .post('/v1/api-keys')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ name: `system ${request.principal}`, ...request });
      if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { key: string }).key;
    },
  };
  return remote as TestApp;
}
