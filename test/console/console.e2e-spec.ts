/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chemicalByCas, makeEnterprise, makeFacility, makeVehicle } from '../support/factories.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { A, B, M_PER_DEG_LON, post, square } from '../support/waybill.js';

type Json = Record<string, unknown>;
const ARTIFACTS = 'test/artifacts';
const M_PER_DEG_LAT = 110_540;

/**
 * The map console in a real browser (Debian's chromium driven by playwright-core, WebGL on
 * SwiftShader): the layers are drawn (features counted from the map's renderer), a fix off the
 * route recolours the vehicle and shows a violation without a reload, acknowledging from the
 * console is visible through the API, and no request leaves the machine.
 */
describe('map console', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let police: string;
  let transport: string;
  let vehicleId: string;
  const outside: string[] = [];
  const start = Date.now() - 10 * 60_000;

  const fix = (i: number, east: number, north: number): Json => ({
    vehicleId,
    ts: new Date(start + i * 2000).toISOString(),
    lon: A[0] + east / M_PER_DEG_LON,
    lat: A[1] + north / M_PER_DEG_LAT,
    speedKmh: 45,
    heading: 90,
    hdop: 0.8,
  });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp({ env: { FIX_HOLD_MS: '100', EXCHANGE_RELAY_INTERVAL_MS: '50' } });
    police = await t.mintKey({ principal: 'agency', agency: 'police' });
    transport = await t.mintKey({ principal: 'agency', agency: 'transport' });
    const route = await post(t, transport, '/v1/routes', {
      name: '锡澄运河东线',
      geometry: { type: 'LineString', coordinates: [A, B] },
      halfWidthM: 60,
      hazardClasses: ['2', '3'],
      validFrom: '2026-01-01',
      validTo: '2030-12-31',
    });
    await post(t, transport, `/v1/routes/${route.body.id as string}/approve`);
    const zone = await post(t, transport, '/v1/zones', {
      name: '水源保护区',
      kind: 'water_source',
      geometry: square([A[0] + 0.004, A[1] + 0.003], 150),
    });
    await post(t, transport, `/v1/zones/${zone.body.id as string}/approve`);
    const plant = (await makeEnterprise(t)).id as string;
    const chlorine = (await chemicalByCas(t, '7782-50-5')).id as string;
    await makeFacility(t, plant, {
      name: '液氯储罐区',
      geometry: square([A[0] - 0.01, A[1] + 0.005], 80),
      capacities: [{ chemicalId: chlorine, maxKg: 60_000 }],
    });
    const carrier = (await makeEnterprise(t, { roles: ['carrier'] })).id as string;
    vehicleId = (await makeVehicle(t, carrier)).id as string;
    await t
      .http()
      .put(`/v1/vehicles/${vehicleId}/assignment`)
      .set(...bearer(transport))
      .send({
        routeId: route.body.id,
        loaded: true,
        chemicalIds: [chlorine],
        validFrom: new Date(start - 60_000).toISOString(),
        validTo: new Date(Date.now() + 3600_000).toISOString(),
      });
    // On the route for 20 fixes.
    await post(t, transport, '/v1/telemetry/positions', {
      positions: Array.from({ length: 20 }, (_, i) => fix(i, i * 25, 0)),
    });
    await t.drainFixes();

    if (!existsSync('/usr/bin/chromium'))
      throw new Error(
        'Debian chromium is needed: apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-wqy-zenhei',
      );
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Nothing may leave the machine: every request that is not to the loopback is refused and recorded.
    await page.route('**/*', async (request) => {
      const url = new URL(request.request().url());
      if (
        ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ||
        url.protocol === 'data:' ||
        url.protocol === 'blob:'
      )
        await request.continue();
      else {
        outside.push(url.href);
        await request.abort();
      }
    });
    await page.addInitScript((key) => sessionStorage.setItem('hc.key', key), police);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  /** Features the map has drawn, per layer (from the renderer, not the DOM). */
  const rendered = (): Promise<Record<string, Json[]>> =>
    page.evaluate(() => {
      const c = (
        window as unknown as {
          hcConsole: { map: { queryRenderedFeatures: (o: unknown) => Array<{ properties: Json }> } };
        }
      ).hcConsole;
      const out: Record<string, Json[]> = {};
      for (const layer of ['vehicles', 'routes-line', 'routes-corridor', 'zones-fill', 'facilities', 'violations'])
        // A feature that crosses tile edges is returned once per tile: one entry per distinct feature.
        out[layer] = [
          ...new Map(
            c.map.queryRenderedFeatures({ layers: [layer] }).map((f) => [JSON.stringify(f.properties), f.properties]),
          ).values(),
        ];
      return out;
    }) as Promise<Record<string, Json[]>>;

  const idle = (): Promise<void> =>
    page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const m = (
            window as unknown as {
              hcConsole: { map: { loaded: () => boolean; once: (e: string, f: () => void) => void } };
            }
          ).hcConsole.map;
          if (m.loaded()) resolve();
          else m.once('idle', () => resolve());
        }),
    );

  it('draws every layer for a police key', async () => {
    await page.goto(`${t.baseUrl}/console/`);
    await page.waitForFunction(
      () => (window as unknown as { hcConsole?: { ready?: boolean } }).hcConsole?.ready === true,
      null,
      {
        timeout: 50_000,
      },
    );
    await idle();
    const layers = await rendered();
    expect(layers.vehicles).toEqual([expect.objectContaining({ vehicleId, state: 'loaded_on_route' })]);
    expect(layers['routes-line']!.length).toBeGreaterThan(0);
    expect(layers['routes-corridor']!.length).toBeGreaterThan(0);
    expect(layers['zones-fill']!.length).toBeGreaterThan(0);
    // 60 t of chlorine (Q 5): S = 12; 120 people: α 2; R = 2 × 4 × 12 = 96 → 二级, orange.
    expect(layers.facilities).toEqual([expect.objectContaining({ colour: 'orange', grade: 2 })]);
    expect(layers.violations).toEqual([]);
    expect(await page.textContent('h1')).toBe('危险化学品运输监管一张图');
    await page.screenshot({ path: `${ARTIFACTS}/console-1-layers.png` });
  }, 60_000);

  it('renders Chinese with real glyphs, not empty boxes (a CJK font is installed)', async () => {
    // Each distinct Han character of the title, drawn alone in the title's font: with a CJK font
    // each has its own shape; without one every character is the same missing-glyph box (tofu).
    const drawn = await page.evaluate(() => {
      const h1 = document.querySelector('h1')!;
      const family = getComputedStyle(h1).fontFamily;
      const chars = [...new Set([...(h1.textContent ?? '')].filter((c) => /\p{Script=Han}/u.test(c)))];
      const shapes = chars.map((c) => {
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 64;
        const g = canvas.getContext('2d')!;
        g.font = `48px ${family}`;
        g.textBaseline = 'top';
        g.fillText(c, 8, 8);
        const alpha = g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3);
        return alpha.join(',');
      });
      return {
        chars: chars.length,
        inked: shapes.filter((s) => /[1-9]/.test(s)).length,
        distinct: new Set(shapes).size,
      };
    });
    expect(drawn.chars).toBeGreaterThan(5);
    expect(drawn).toEqual({ chars: drawn.chars, inked: drawn.chars, distinct: drawn.chars });
  }, 60_000);

  it('recolours the vehicle and shows the violation when a fix leaves the route, without a reload', async () => {
    const marker = await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
      return true;
    });
    expect(marker).toBe(true);
    const off = [
      // 25 m every 2 s (45 km/h): north off the corridor to 250 m, then on eastwards for 32 s.
      ...Array.from({ length: 10 }, (_, k) => fix(20 + k, 500, (k + 1) * 25)),
      ...Array.from({ length: 16 }, (_, k) => fix(30 + k, 500 + k * 25, 250)),
    ];
    expect((await post(t, transport, '/v1/telemetry/positions', { positions: off })).status).toBe(202);
    await page.waitForFunction(
      () => {
        const m = (
          window as unknown as {
            hcConsole: { map: { queryRenderedFeatures: (o: unknown) => Array<{ properties: Json }> } };
          }
        ).hcConsole.map;
        const v = m.queryRenderedFeatures({ layers: ['vehicles'] });
        return (
          v.length > 0 &&
          v.every((f) => f.properties.state === 'loaded_off_route') &&
          m.queryRenderedFeatures({ layers: ['violations'] }).length > 0
        );
      },
      null,
      { timeout: 50_000, polling: 200 },
    );
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const layers = await rendered();
    expect(layers.violations!.map((v) => v.rule)).toContain('ROUTE_DEVIATION');
    await page.screenshot({ path: `${ARTIFACTS}/console-2-violation.png` });
  }, 60_000);

  it('acknowledges the violation from the console, visible through the API', async () => {
    const point = await page.evaluate(() => {
      const m = (
        window as unknown as {
          hcConsole: {
            map: {
              queryRenderedFeatures: (
                o: unknown,
              ) => Array<{ properties: Json; geometry: { coordinates: [number, number] } }>;
              project: (c: [number, number]) => { x: number; y: number };
            };
          };
        }
      ).hcConsole.map;
      const v = m
        .queryRenderedFeatures({ layers: ['violations'] })
        .find((f) => f.properties.rule === 'ROUTE_DEVIATION')!;
      const p = m.project(v.geometry.coordinates);
      return { x: p.x, y: p.y, id: v.properties.violationId as string };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector('#ack', { timeout: 50_000 });
    await page.click('#ack');
    await page.waitForFunction(() => (document.querySelector('#ack') as HTMLButtonElement | null)?.disabled === true);
    await page.screenshot({ path: `${ARTIFACTS}/console-3-acknowledged.png` });
    const v = await t
      .http()
      .get(`/v1/violations/${point.id}`)
      .set(...bearer(police));
    expect(v.body.acknowledgements).toEqual([expect.objectContaining({ agency: 'police' })]);
    expect(outside).toEqual([]);
  }, 60_000);
  it("sends a text message to the driver from the vehicle's panel, as police, recorded as a terminal command", async () => {
    // Close the violation's popup, then open the vehicle's.
    await page.evaluate(() => document.querySelectorAll('.mapboxgl-popup').forEach((p) => p.remove()));
    const point = await page.evaluate(() => {
      const m = (
        window as unknown as {
          hcConsole: {
            map: {
              queryRenderedFeatures: (o: unknown) => Array<{ geometry: { coordinates: [number, number] } }>;
              project: (c: [number, number]) => { x: number; y: number };
            };
          };
        }
      ).hcConsole.map;
      const [v] = m.queryRenderedFeatures({ layers: ['vehicles'] });
      const p = m.project(v!.geometry.coordinates);
      return { x: p.x, y: p.y };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector('.driver-text input', { timeout: 50_000 });
    await page.fill('.driver-text input', '请立即返回核定路线');
    await page.click('.driver-text button');
    // No terminal is connected in this test: the command waits, queued, for it to sign in.
    await page.waitForFunction(
      () => /queued/.test(document.querySelector('.driver-text .command-state')?.textContent ?? ''),
      null,
      { timeout: 50_000 },
    );
    const commands = await t
      .http()
      .get(`/v1/vehicles/${vehicleId}/terminal-commands`)
      .set(...bearer(police));
    expect(commands.body.items).toEqual([
      expect.objectContaining({ kind: 'text', state: 'queued', requestedBy: 'agency:police', origin: 'api' }),
    ]);
    expect(outside).toEqual([]);
  }, 60_000);
});
