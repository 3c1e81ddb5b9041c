import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Spawned, spawnEntry, waitFor } from '../support/processes.js';

/**
 * `npm run demo` on ports that are not the defaults (issue 19): the simulator command it prints
 * must name the gateway port in use, and running that command as printed signs a terminal in.
 */
describe('npm run demo on non-default ports (built entry points, real processes)', () => {
  let demo: Spawned;
  let simulator: Spawned | undefined;
  // The demo keeps its database in a new folder under the temporary directory: this one, removed after.
  const tmp = mkdtempSync(join(tmpdir(), 'hc-demo-test-'));
  afterAll(async () => {
    simulator?.child.kill('SIGKILL');
    demo.child.kill('SIGKILL');
    await demo.exited;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the simulator command with the gateway port and address in use, and that command works', async () => {
    const [port, jt808] = [await freePort(), await freePort()];
    demo = spawnEntry('dist/apps/api/src/demo.js', { PORT: String(port), JT808_PORT: String(jt808), TMPDIR: tmp });
    const loaded = waitFor(async () => demo.output().includes('Tankers 8, 24 and 42'), 200_000, 'the city loaded');
    const died = demo.exited.then(({ code }) => `the demo exited (${code}): ${demo.output()}`);
    const failure = await Promise.race([loaded.then(() => null), died]);
    if (failure !== null) throw new Error(failure);

    const printed = /npm run simulate:jt808 -- (.*)$/m.exec(demo.output());
    expect(printed).not.toBeNull();
    const args = printed![1]!.split(' ');
    expect(args).toEqual([
      '--api',
      `http://127.0.0.1:${port}`,
      '--port',
      String(jt808),
      '--key',
      expect.stringMatching(/^hc_[0-9a-f]{12}_\S{43}$/),
    ]);
    // The command as printed (npm run simulate:jt808 runs this entry point), with one terminal.
    simulator = spawnEntry('dist/apps/gateway/src/simulate.js', {}, [...args, '--terminals', '1']);
    const signedIn = waitFor(async () => simulator!.output().includes('1 terminals signed in'), 60_000, 'sign-in');
    const simDied = simulator.exited.then(({ code }) => `the simulator exited (${code}): ${simulator!.output()}`);
    expect(await Promise.race([signedIn.then(() => null), simDied])).toBeNull();
  }, 300_000);
});
