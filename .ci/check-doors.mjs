// The door check (issue 18): imports flow apps -> contexts -> platform, and a context is entered only
// through its index.ts door, `@lib/<ctx>`. tsc's paths already refuse `@lib/<ctx>/deep` at build time,
// but a relative path walks past a door silently, so this reads every import specifier and fails on:
//   1. `@lib/<ctx>/...` (anything deeper than the door), or a relative path from apps/ into libs/;
//   2. a relative path from one context's files into another context's folder;
//   3. a lib importing from apps/.
// test/ and bench/ are harnesses that already reach into files behind doors (factories, check
// digits, signatures) and are not checked. Plain Node, no dependency: `node .ci/check-doors.mjs
// [root]`; `--self-test` runs it on a temporary fixture and fails if it misses or over-reports.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKED = ['apps', 'libs'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
// `from '...'` covers import and export-from (also the last line of a multi-line import);
// `import '...'` a side-effect import; `import('...')` a dynamic one.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** Where a repo-relative path lives: { top: 'libs', ctx: 'waybill' } or { top: 'apps' } or { top: 'other' }. */
function placeOf(rel) {
  const [top, ctx] = rel.split(sep);
  if (top === 'libs' && ctx) return { top, ctx };
  if (top === 'apps') return { top };
  return { top: 'other' };
}

/** One finding per import that goes past a door: `file:line: message`. */
export function checkDoors(root) {
  const problems = [];
  for (const base of CHECKED) {
    for (const file of sourceFiles(join(root, base))) {
      const rel = relative(root, file);
      const from = placeOf(rel);
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.trimStart();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
        for (const [, spec] of line.matchAll(SPECIFIER)) {
          const why = verdict(root, file, from, spec);
          if (why) problems.push(`${rel}:${i + 1}: ${why} ('${spec}')`);
        }
      });
    }
  }
  return problems;
}

function verdict(root, file, from, spec) {
  const deep = /^@lib\/([a-z0-9-]+)\/./.exec(spec);
  if (deep) return `past the door of ${deep[1]}: import from '@lib/${deep[1]}'`;
  if (!spec.startsWith('.')) return undefined;
  const to = placeOf(relative(root, resolve(dirname(file), spec)));
  if (from.top === 'libs' && to.top === 'apps') return `a lib imports from apps/ (apps -> contexts -> platform)`;
  if (from.top === 'libs' && to.top === 'libs' && to.ctx !== from.ctx)
    return `${from.ctx} reaches into ${to.ctx}'s folder: import from '@lib/${to.ctx}'`;
  if (from.top === 'apps' && to.top === 'libs')
    return `an app reaches into ${to.ctx}'s folder: import from '@lib/${to.ctx}'`;
  return undefined;
}

function selfTest() {
  const root = mkdtempSync(join(tmpdir(), 'check-doors-'));
  const put = (rel, text) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  try {
    put(
      'libs/waybill/src/ok.ts',
      [
        "import { LedgerModule } from '@lib/ledger';",
        "import { x } from './rules/x.js';",
        "import { y } from '../src/y.js';",
        "// import { z } from '../../ledger/src/z.js'; (a comment is not an import)",
      ].join('\n'),
    );
    put('libs/waybill/src/deep.ts', "import { toKg } from '@lib/ledger/units.js';\n");
    put('libs/waybill/src/sideways.ts', "import {\n  Movement,\n} from '../../ledger/src/movement.js';\n");
    put('libs/waybill/src/up.ts', "export { main } from '../../../apps/api/src/main.js';\n");
    put('libs/waybill/src/dynamic.ts', "await import('../../ledger/src/lazy.js');\n");
    put(
      'apps/api/src/app.ts',
      "import { WaybillModule } from '@lib/waybill';\nimport '../../../libs/ledger/src/x.js';\n",
    );
    put('test/support/deep.ts', "import { chain } from '../../libs/ledger/src/chain.js';\n");
    const got = checkDoors(root).map((p) => p.slice(0, p.indexOf(':', p.indexOf(':') + 1)));
    const want = [
      `apps${sep}api${sep}src${sep}app.ts:2`,
      `libs${sep}waybill${sep}src${sep}deep.ts:1`,
      `libs${sep}waybill${sep}src${sep}dynamic.ts:1`,
      `libs${sep}waybill${sep}src${sep}sideways.ts:3`,
      `libs${sep}waybill${sep}src${sep}up.ts:1`,
    ];
    if (JSON.stringify(got.sort()) !== JSON.stringify(want)) {
      process.stderr.write(`check-doors self-test failed:\n  want ${want.join(', ')}\n  got  ${got.join(', ')}\n`);
      return 1;
    }
    process.stdout.write('check-doors self-test: ok\n');
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function main(args) {
  if (args.includes('--self-test')) return selfTest();
  const root = resolve(args[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkDoors(root);
  if (problems.length === 0) return 0;
  process.stderr.write(`${problems.join('\n')}\n${problems.length} import(s) past a door (see .ci/check-doors.mjs)\n`);
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
