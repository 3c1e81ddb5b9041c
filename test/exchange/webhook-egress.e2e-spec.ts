import { Receiver } from '../support/exchange.js';
import { chemicalByCas } from '../support/factories.js';
import { Flood, Redirector, Tarpit } from '../support/hostile-receivers.js';
import { type Party, party, PRODUCTION_LICENCE, recorded } from '../support/ledger.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { post } from '../support/waybill.js';

type Json = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A producer whose every movement is published as ledger.movement.recorded (emergency's events). */
class Producer {
  private made = 0;
  private constructor(
    private readonly t: TestApp,
    private readonly p: Party,
    private readonly chemicalId: string,
  ) {}

  static async create(t: TestApp): Promise<Producer> {
    const p = await party(t, { licences: [PRODUCTION_LICENCE] });
    return new Producer(t, p, (await chemicalByCas(t, '67-56-1')).id as string);
  }

  async produce(): Promise<void> {
    await recorded(this.t, this.p.key, {
      operation: 'produce',
      facilityId: this.p.facilityId,
      chemicalId: this.chemicalId,
      lotNumber: `MeOH-egress-${++this.made}`,
      quantity: { value: 100, unit: 'kg' },
    });
  }
}

async function register(t: TestApp, key: string, url: string): Promise<string> {
  const res = await post(t, key, '/v1/exchange/webhooks', { url, types: ['ledger.movement.recorded'] });
  if (res.status !== 201) throw new Error(`registering ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

const remove = (t: TestApp, key: string, id: string) =>
  t
    .http()
    .delete(`/v1/exchange/webhooks/${id}`)
    .set(...bearer(key));

const get = async (t: TestApp, key: string, path: string) =>
  (
    await t
      .http()
      .get(path)
      .set(...bearer(key))
  ).body;

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Webhook egress, attacked through the public API with an agency's key: URLs aimed at the cloud
 * metadata service, link-local and private addresses are refused at registration; a host name
 * that resolves to a forbidden address is refused at delivery; a receiver that answers 320 MB is
 * read to 64 KiB; a redirect is not followed; receivers that never answer hold only their own
 * lanes. On the embedded default and on PostgreSQL + Redis alike.
 */
describe('webhook egress (development rules: loopback allowed, 10.20.0.0/16 opened)', () => {
  let t: TestApp;
  let emergency: string;
  let producer: Producer;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        EXCHANGE_RELAY_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_RETRY_CAP_MS: '200',
        WEBHOOK_RETRY_FOR_S: '2',
        // Long enough that the hanging receivers below are still hanging, however busy the machine.
        WEBHOOK_TIMEOUT_MS: '20000',
        WEBHOOK_ALLOW_CIDRS: '10.20.0.0/16',
      },
    });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    producer = await Producer.create(t);
  });
  afterAll(() => t.close());

  it.each([
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'the cloud instance metadata service'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'IPv4-mapped 169.254.169.254'],
    ['http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/', 'the cloud instance metadata service'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'the AWS IPv6 instance metadata service'],
    ['http://100.100.100.200/latest/meta-data/', 'the Alibaba Cloud instance metadata service'],
    ['http://169.254.1.1:8080/events', 'a link-local address'],
    ['http://[fe80::1]/events', 'a link-local address'],
    ['http://0.0.0.0:3000/events', 'unspecified'],
    ['http://[::]:3000/events', 'the unspecified address'],
    ['http://10.0.0.5/events', 'a private address (10.0.0.0/8) that WEBHOOK_ALLOW_CIDRS does not list'],
    ['http://192.168.1.10/events', 'a private address (192.168.0.0/16)'],
    ['http://100.64.0.1/events', 'a private address (100.64.0.0/10)'],
    ['http://224.0.0.1/events', 'a multicast address'],
  ])('refuses %s at registration with 422 WEBHOOK_URL_FORBIDDEN naming url (%s)', async (url, why) => {
    const res = await post(t, emergency, '/v1/exchange/webhooks', { url, types: ['ledger.movement.recorded'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(res.body.errors).toEqual([
      { path: 'url', rule: 'WEBHOOK_URL_FORBIDDEN', message: expect.stringContaining(why) },
    ]);
  });

  it('refuses credentials in the URL and other spellings of a metadata address, and stores none of the refused', async () => {
    const creds = await post(t, emergency, '/v1/exchange/webhooks', {
      url: 'https://admin:hunter2@110.example.gov.cn/events',
      types: ['ledger.movement.recorded'],
    });
    expect(creds.status).toBe(422);
    expect(creds.body.errors).toEqual([
      { path: 'url', rule: 'WEBHOOK_URL_CREDENTIALS', message: expect.stringContaining('credentials') },
    ]);
    expect(JSON.stringify(creds.body)).not.toContain('hunter2');
    // Every rule that fails is listed: the URL and the types together.
    const both = await post(t, emergency, '/v1/exchange/webhooks', {
      url: 'http://169.254.169.254/',
      types: ['violation.opened'],
    });
    expect(both.status).toBe(422);
    expect(both.body.errors.map((e: Json) => `${e.path as string}:${e.rule as string}`)).toEqual([
      'url:WEBHOOK_URL_FORBIDDEN',
      'types[0]:NOT_SHARED_WITH_AGENCY',
    ]);
    // 2852039166 is 169.254.169.254 written as one number: refused by the URL format check.
    const decimal = await post(t, emergency, '/v1/exchange/webhooks', {
      url: 'http://2852039166/latest/meta-data/',
      types: ['ledger.movement.recorded'],
    });
    expect(decimal.status).toBe(400);
    expect(decimal.body.errors[0].path).toBe('url');
    expect(await get(t, emergency, '/v1/exchange/webhooks')).toEqual([]);
  });

  it('accepts an agency intranet receiver inside WEBHOOK_ALLOW_CIDRS', async () => {
    const id = await register(t, emergency, 'http://10.20.3.4:8443/hazchem/events');
    expect((await remove(t, emergency, id)).status).toBe(204);
    const outside = await post(t, emergency, '/v1/exchange/webhooks', {
      url: 'http://10.21.3.4:8443/hazchem/events',
      types: ['ledger.movement.recorded'],
    });
    expect(outside.status).toBe(422);
  });

  it('reads a 320 MB answer only to 64 KiB: the delivery completes at once, judged by its status, and memory stays flat', async () => {
    const flood = await new Flood(320 * 1024 * 1024).start();
    const id = await register(t, emergency, `${flood.url}/events`);
    try {
      let peak = process.memoryUsage().rss;
      const before = peak;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      try {
        await producer.produce();
        await until(() => flood.requests === 1, 10_000, 'the delivery');
        const reached = Date.now();
        await until(
          async () => (await get(t, emergency, `/v1/exchange/webhooks/${id}`)).pending === 0,
          10_000,
          'delivered',
        );
        // Not the time to read 320 MB (nor the 20 s attempt timeout).
        expect(Date.now() - reached).toBeLessThan(5000);
        await flood.finished;
      } finally {
        clearInterval(sampler);
      }
      // The receiver's 200 counts: delivered, not dead-lettered.
      expect(await get(t, emergency, `/v1/exchange/webhooks/${id}`)).toMatchObject({ pending: 0, dead: 0 });
      expect(flood.requests).toBe(1);
      // It could hand the socket only what the kernel buffers took before the connection broke.
      expect(flood.written).toBeLessThan(64 * 1024 * 1024);
      process.stdout.write(
        `320 MB answer: RSS grew ${Math.round((peak - before) / 2 ** 20)} MB, the receiver wrote ${Math.round(flood.written / 2 ** 20)} MB\n`,
      );
      expect(peak - before).toBeLessThan(96 * 1024 * 1024);
    } finally {
      await remove(t, emergency, id);
      await flood.close();
    }
  });

  it('does not follow a redirect: the 302 is a failed attempt, kept with its reason, and the target is never called', async () => {
    const target = await new Receiver().start();
    const redirector = await new Redirector(() => target.url).start();
    const id = await register(t, emergency, `${redirector.url}/events`);
    try {
      await producer.produce();
      await until(
        async () => (await get(t, emergency, `/v1/exchange/webhooks/${id}/dead-letters`)).length === 1,
        15_000,
        'the dead letter',
      );
      const [dead] = (await get(t, emergency, `/v1/exchange/webhooks/${id}/dead-letters`)) as Json[];
      expect(dead).toMatchObject({
        type: 'ledger.movement.recorded',
        lastStatus: 302,
        lastError: 'HTTP 302 (redirects are not followed)',
      });
      expect(redirector.requests).toBe(dead!.attempts);
      expect(target.accepted.length + target.refused).toBe(0);
    } finally {
      await remove(t, emergency, id);
      await redirector.close();
      await target.close();
    }
  });

  it('lets receivers that never answer hold only their own lanes: another endpoint gets its events at once', async () => {
    const tarpit = await new Tarpit().start();
    const hook = await new Receiver().start();
    // More hanging receivers than the exchange queue used to run jobs at once (8).
    const hanging = await Promise.all(
      Array.from({ length: 12 }, (_, i) => register(t, emergency, `${tarpit.url}/hang/${i}`)),
    );
    const fast = await register(t, emergency, hook.url);
    try {
      await producer.produce();
      await until(() => tarpit.open === 12, 10_000, 'twelve hanging deliveries');
      await hook.waitFor(() => hook.accepted.length === 1, 10_000);

      await producer.produce();
      await hook.waitFor(() => hook.accepted.length === 2, 10_000);
      // It arrived while all twelve were still hanging (none had reached its 20 s timeout).
      expect(hook.accepted[1]!.at).toBeLessThan(tarpit.firstClosedAt);
      expect(tarpit.open).toBe(12);
      expect(hook.accepted.map((r) => r.body.type)).toEqual(['ledger.movement.recorded', 'ledger.movement.recorded']);
    } finally {
      await Promise.all([...hanging, fast].map((id) => remove(t, emergency, id)));
      await tarpit.close();
      await hook.close();
    }
  });

  it("caps an agency's endpoints, even against registrations sent all at once, so that every endpoint keeps a lane of its own", async () => {
    const market = await t.mintKey({ principal: 'agency', agency: 'market' });
    const hook = await new Receiver().start();
    try {
      const answers = await Promise.all(
        Array.from({ length: 26 }, (_, i) =>
          post(t, market, '/v1/exchange/webhooks', { url: `${hook.url}/${i}`, types: ['licence.expiring'] }),
        ),
      );
      expect(answers.filter((r) => r.status === 201)).toHaveLength(20);
      const over = answers.filter((r) => r.status !== 201);
      expect(over).toHaveLength(6);
      for (const res of over)
        expect(res.body.errors).toEqual([
          { path: 'agency', rule: 'WEBHOOK_ENDPOINT_LIMIT', message: expect.stringContaining('20 webhook endpoints') },
        ]);
      expect(await get(t, market, '/v1/exchange/webhooks')).toHaveLength(20);
      // Another agency is not affected, and a deleted endpoint frees its place.
      const other = await register(t, emergency, hook.url);
      await remove(t, emergency, other);
      const first = answers.find((r) => r.status === 201)!.body.id as string;
      expect((await remove(t, market, first)).status).toBe(204);
      const again = await post(t, market, '/v1/exchange/webhooks', { url: hook.url, types: ['licence.expiring'] });
      expect(again.status).toBe(201);
    } finally {
      await hook.close();
    }
  });
});

describe('webhook egress (production rules: WEBHOOK_ALLOW_LOOPBACK=false)', () => {
  let t: TestApp;
  let emergency: string;
  let producer: Producer;
  const hook = new Receiver();

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        EXCHANGE_RELAY_INTERVAL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_RETRY_CAP_MS: '200',
        WEBHOOK_RETRY_FOR_S: '2',
        WEBHOOK_ALLOW_LOOPBACK: 'false',
      },
    });
    emergency = await t.mintKey({ principal: 'agency', agency: 'emergency' });
    producer = await Producer.create(t);
    await hook.start();
  });
  afterAll(async () => {
    await t.close();
    await hook.close();
  });

  it.each(['http://127.0.0.1:{port}/events', 'http://127.9.9.9:{port}/events', 'http://[::1]:{port}/events'])(
    'refuses the loopback URL %s at registration',
    async (pattern) => {
      const url = pattern.replace('{port}', new URL(hook.url).port);
      const res = await post(t, emergency, '/v1/exchange/webhooks', { url, types: ['ledger.movement.recorded'] });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        {
          path: 'url',
          rule: 'WEBHOOK_URL_FORBIDDEN',
          message: expect.stringContaining('loopback receivers are allowed in development and test only'),
        },
      ]);
    },
  );

  it('refuses at delivery a host name that resolves to a forbidden address: the reason is kept, the receiver never called', async () => {
    // A name passes registration; what it resolves to is judged at each delivery.
    const id = await register(t, emergency, hook.url.replace('127.0.0.1', 'localhost'));
    await producer.produce();
    await until(
      async () => (await get(t, emergency, `/v1/exchange/webhooks/${id}/dead-letters`)).length === 1,
      15_000,
      'the dead letter',
    );
    const [dead] = (await get(t, emergency, `/v1/exchange/webhooks/${id}/dead-letters`)) as Json[];
    expect(dead).toMatchObject({ type: 'ledger.movement.recorded', lastStatus: null });
    expect(dead!.attempts as number).toBeGreaterThanOrEqual(2);
    expect(dead!.lastError).toMatch(
      /^WEBHOOK_URL_FORBIDDEN: localhost resolved to (127\.0\.0\.1|::1): .*loopback receivers are allowed in development and test only$/,
    );
    expect(hook.accepted.length + hook.refused).toBe(0);
  });
});
