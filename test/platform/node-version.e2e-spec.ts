import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../support/processes.js';

// npm's own range logic (semver ships with the toolchain; it has no types of its own here).
const semver = createRequire(import.meta.url)('semver') as { subset: (sub: string, dom: string) => boolean };
type Engines = { engines?: { node?: string } };
const read = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

/**
 * The Node versions the project says it runs on (package.json `engines`, the README) are ones
 * every installed package accepts, runtime and build tools alike (issue 19: README said 20.19
 * while the runtime dependencies declared 22).
 */
describe('the Node version the project declares', () => {
  const range = read<Engines>('package.json').engines?.node;

  it('is one every package in the lockfile accepts', () => {
    expect(range).toEqual(expect.any(String));
    const lock = read<{ packages: Record<string, Engines & { version?: string }> }>('package-lock.json');
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines?.node && !semver.subset(range!, p.engines.node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version}: ${p.engines!.node}`);
    expect(refusing).toEqual([]);
  });

  it('is the one the README states', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(/package\.json's `engines` says `([^`]+)`/.exec(readme)?.[1]).toBe(range);
  });
});
