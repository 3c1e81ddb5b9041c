// The door check (issue 18): imports flow apps -> contexts -> platform, and a context is entered only
// through its index.ts door, `@lib/<ctx>`. tsc's paths already refuse `@lib/<ctx>/deep` at build time,
// but a relative path walks past a door silently, so this reads every import specifier and fails on:
//   1. `@lib/<ctx>/...` (anything deeper than the door), or a relative path from apps/ into libs/;
//   2. a relative path from one context's files into another context's folder;
//   3. a lib importing from apps/.
// test/ and bench/ are harnesses that already reach into files behind doors (factories, check
// digits, signatures) and are not checked. Plain Node, no dependency: `node .ci/check-doors.mjs
// [root]`; `--self-test` runs it on a temporary fixture and fails if it misses or over-reports.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { runCheck, selfTest, sourceFiles } from './source-check.mjs';

const CHECKED = ['apps', 'libs'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
// `from '...'` covers import and export-from (also the last line of a multi-line import);
// `import '...'` a side-effect import; `import('...')` a dynamic one.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

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
    for (const file of sourceFiles(join(root, base), SOURCE)) {
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

function test() {
  return selfTest(
    'check-doors',
    checkDoors,
    {
      'libs/waybill/src/ok.ts': [
        "import { LedgerModule } from '@lib/ledger';",
        "import { x } from './rules/x.js';",
        "import { y } from '../src/y.js';",
        "// import { z } from '../../ledger/src/z.js'; (a comment is not an import)",
      ].join('\n'),
      'libs/waybill/src/deep.ts': "import { toKg } from '@lib/ledger/units.js';\n",
      'libs/waybill/src/sideways.ts': "import {\n  Movement,\n} from '../../ledger/src/movement.js';\n",
      'libs/waybill/src/up.ts': "export { main } from '../../../apps/api/src/main.js';\n",
      'libs/waybill/src/dynamic.ts': "await import('../../ledger/src/lazy.js');\n",
      ['apps/api/src/app.ts']:
        "import { WaybillModule } from '@lib/waybill';\nimport '../../../libs/ledger/src/x.js';\n",
      'test/support/deep.ts': "import { chain } from '../../libs/ledger/src/chain.js';\n",
    },
    [
      'apps/api/src/app.ts:2',
      'libs/waybill/src/deep.ts:1',
      'libs/waybill/src/dynamic.ts:1',
      'libs/waybill/src/sideways.ts:3',
      'libs/waybill/src/up.ts:1',
    ],
  );
}

runCheck(import.meta.url, { name: 'check-doors', check: checkDoors, test, what: 'import(s) past a door' });
