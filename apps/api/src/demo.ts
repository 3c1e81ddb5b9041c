import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProcessConfig, runMain, stopOnSignals } from '@lib/platform';
import { Jt808Gateway } from '@lib/telematics';
import { bootstrapAdminKey, createApiApp } from './api-app.js';
import { loadSampleCity, type Lon, M_PER_DEG_LAT, mPerDegLon } from './sample-city.js';

/**
 * `npm run demo`: the service on the embedded default with a fictional Wuxi loaded through the
 * public API (enterprises with valid identifiers and licences, facilities with stock, approved
 * routes and ban zones, 50 tankers on loaded e-waybills), then a simulator that drives the tankers
 * along their routes in real time; a few leave the route, one stops where it should not, one
 * enters a water-source zone. Prints the console's address and a police and a transport key.
 */
const FIX_EVERY_MS = 2000;
const SPEED_M_PER_FIX = 30; // 54 km/h

/** The point `d` metres along a polyline, and whether the end was reached. */
function along(line: Lon[], d: number): { at: Lon; done: boolean } {
  let left = d;
  for (let i = 1; i < line.length; i++) {
    const [a, b] = [line[i - 1]!, line[i]!];
    const len = Math.hypot((b[0] - a[0]) * mPerDegLon(a[1]), (b[1] - a[1]) * M_PER_DEG_LAT);
    if (left <= len)
      return { at: [a[0] + ((b[0] - a[0]) * left) / len, a[1] + ((b[1] - a[1]) * left) / len], done: false };
    left -= len;
  }
  return { at: line[line.length - 1]!, done: true };
}

await runMain(async () => {
  const config = loadProcessConfig(
    { LOG_LEVEL: 'warn', PORT: '3000' },
    { DATA_DIR: mkdtempSync(join(tmpdir(), 'hazchem-demo-')) },
  );
  const app = await createApiApp(config, { consumeJobs: true });
  stopOnSignals(app, config);
  const admin = (await bootstrapAdminKey(app))!;
  await app.listen(config.http.port, config.http.host);
  const jt808 = await app
    .get(Jt808Gateway)
    .listen()
    .catch((err: Error) => {
      process.stderr.write(`JT/T 808 gateway not started: ${err.message}\n`);
      return null;
    });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  process.stdout.write(`loading the sample city into ${base} …\n`);
  const { police, transport, tankers, summary } = await loadSampleCity(base, admin);
  const post = async (key: string, path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  };

  process.stdout.write(
    `\nThe sample city is loaded: ${summary}.\n` +
      `  console:       ${base}/console/\n  police key:    ${police}\n  transport key: ${transport}\n  admin key:     ${admin}\n` +
      // The simulator's command names the ports actually in use (PORT, JT808_PORT), not its defaults.
      (jt808 !== null
        ? `  JT/T 808:      port ${jt808}; simulated terminals: npm run simulate:jt808 -- --api ${base} --port ${jt808} --key ${admin}\n`
        : '') +
      `Tankers 8, 24 and 42 will leave their route, 13 will stop on the way, 31 will cross the Taihu water-source zone.\n\n`,
  );

  // The simulator: one fix per tanker every 2 s, in real time, along its route.
  let step = 0;
  const timer = setInterval(() => {
    step++;
    const ts = new Date().toISOString();
    const positions = tankers.map((v, i) => {
      const metres = (step + i * 7) * SPEED_M_PER_FIX;
      let { at } = along(v.line, metres);
      let speed = 54;
      if (v.odd === 'deviate' && step > 10 && step < 100)
        at = [at[0], at[1] + (Math.min(step - 10, 20) * 25) / M_PER_DEG_LAT];
      if (v.odd === 'stop' && step > 8) {
        at = along(v.line, (8 + i * 7) * SPEED_M_PER_FIX).at;
        speed = 0;
      }
      return { vehicleId: v.vehicleId, ts, lon: at[0], lat: at[1], speedKmh: speed, heading: 90, hdop: 0.9 };
    });
    void post(transport, '/v1/telemetry/positions', { positions }).catch((err: Error) =>
      process.stderr.write(`${err.message}\n`),
    );
  }, FIX_EVERY_MS);
  process.once('SIGINT', () => clearInterval(timer));
});
