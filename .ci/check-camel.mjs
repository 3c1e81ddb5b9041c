// The camelCase check (issue 18, item 4): the database is read one way. Repositories (and stores,
// files named `*.repository.ts` / `*.store.ts`) hold the SQL and map rows to camelCase domain types;
// nothing above them sees a snake_case row field. This reads every .ts file of apps/ and libs/
// outside repositories and stores and fails, listing file:line, on:
//   1. snake_case property access: `x.some_field`, `x?.some_field`, `x['some_field']`;
//   2. a snake_case key inside braces: destructuring `{ some_field }`, `{ some_field: f }`, and
//      the object literals and types that build or describe such a row.
// Text inside strings, template literals (SQL) and comments is not code and is not read; the
// `${...}` expressions of a template literal are. migrations/ and test/ are not checked.
// A name that is snake_case on a foreign wire format (JT/T 808, an external API's JSON) goes in
// WIRE_NAMES below with its reason. Plain Node, no dependency: `node .ci/check-camel.mjs [root]`;
// `--self-test` runs it on a temporary fixture and fails if it misses or over-reports.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKED = ['apps', 'libs'];
const SOURCE = /\.(ts|mts|cts)$/;
/** Files that own SQL and its row mapping: snake_case is their job. */
const OWNS_ROWS = /\.(repository|store)\.ts$/;

/**
 * Names that are snake_case on a wire format the service does not own, or values of our own enums
 * used as record keys, and may be written as such. `under` narrows an entry to one folder
 * (repo-relative, '/' separators); every entry says why.
 */
export const WIRE_NAMES = [
  {
    names: ['require_protocol', 'require_tld'],
    under: 'libs/exchange/src/',
    reason: "validator.js's isURL options (class-validator's @IsUrl passes them through as spelled)",
  },
  // Our own enum values, snake_case in the public API and the database, used as keys of a
  // Record<Enum, ...> table (the key is a value of the enum, not a row field).
  {
    names: [
      'safety_production',
      'safe_use',
      'road_transport',
      'hazardous_waste',
      'highly_toxic_purchase',
      'highly_toxic_road_pass',
      'explosive_precursor_filing',
      'controlled_sale_filing',
      'drug_precursor_purchase_permit',
      'drug_precursor_purchase_filing',
      'drug_precursor_transport_permit',
      'drug_precursor_transport_filing',
      'vehicle_transport_certificate',
      'tank_inspection',
      'terminal_binding',
      'facility_siting',
      'enterprise_registration',
    ],
    under: 'libs/registry/src/',
    reason: 'LicenceKind and certificate kinds: the keys of LICENCE_ISSUERS / CERTIFICATE_ISSUERS (issuers.ts)',
  },
  {
    names: ['transfer_out', 'waste_generate'],
    under: 'libs/ledger/src/',
    reason: 'Operation and movement kinds (API values): keys of OPERATION_BUILDERS and of the paired legs',
  },
  {
    names: ['position_query', 'set_parameters', 'query_parameters'],
    under: 'libs/telematics/src/commands/',
    reason: 'CommandKind values (API values): keys of who may send which terminal command',
  },
  {
    names: ['vehicle_registered', 'no_vehicle', 'terminal_registered', 'no_terminal'],
    under: 'libs/telematics/src/gateway/',
    reason: 'RegistrationOutcome values: keys of their JT/T 808 0x8100 result codes',
  },
];

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const SNAKE_SRC = '[a-z][a-z0-9]*(?:_[a-z0-9]+)+';
// `.name` or `?.name`, not the spread `...name`, not a number's fraction.
const ACCESS = new RegExp(`(?<![.\\d])\\.\\s*(${SNAKE_SRC})(?![\\w$])`, 'g');
// A key right after `{` or `,` (followed by `,` `}` `:` `=` `?:`), counted only when braces enclose it.
const KEY = new RegExp(`(?<=[{,]\\s*)(${SNAKE_SRC})(?=\\s*(?:[,}:=]|\\?:))`, 'g');

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

/**
 * The code of a file with every string, template text, regex and comment blanked to spaces
 * (newlines kept, so offsets and lines stay), plus the string literals that index an element
 * (`x['a_b']`), which are code in disguise.
 */
export function blank(text) {
  const out = text.split('');
  const indexKeys = []; // { start, value }
  const stack = []; // per open template: brace depth of its current `${`
  let depth = 0;
  let lastSignificant = '';
  let indexing = false; // the last `[` follows a value: element access, not an array literal
  const wipe = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  const n = text.length;
  const templateText = (start) => {
    // from just after ` or } up to the closing ` or the next ${
    let j = start;
    while (j < n) {
      if (text[j] === '\\') j += 2;
      else if (text[j] === '`') {
        wipe(start, j);
        return { end: j + 1, closed: true };
      } else if (text[j] === '$' && text[j + 1] === '{') {
        wipe(start, j);
        return { end: j + 2, closed: false };
      } else j++;
    }
    wipe(start, n);
    return { end: n, closed: true };
  };
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? n : j;
      wipe(i, end);
      i = end;
    } else if (c === '/' && d === '*') {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      wipe(i, end);
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const value = text.slice(i + 1, j);
      const after = text.slice(j + 1).match(/^\s*(.)/)?.[1];
      if (lastSignificant === '[' && indexing && after === ']') indexKeys.push({ start: i, value });
      wipe(i, j + 1);
      i = j + 1;
      lastSignificant = 'x';
    } else if (c === '`') {
      wipe(i, i + 1);
      const { end, closed } = templateText(i + 1);
      if (!closed) stack.push(depth);
      i = end;
      lastSignificant = 'x';
    } else if (c === '}' && stack.length > 0 && stack[stack.length - 1] === depth) {
      stack.pop();
      const { end, closed } = templateText(i + 1);
      out[i] = ' ';
      if (!closed) stack.push(depth);
      i = end;
      lastSignificant = 'x';
    } else if (c === '/' && (lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant))) {
      // a regex literal (a division follows a value, never one of these)
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        else if (text[j] === '/' && !inClass) break;
        j++;
      }
      wipe(i, j + 1);
      i = j + 1;
      lastSignificant = 'x';
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '[') indexing = lastSignificant === 'x' || lastSignificant === '.';
      if (!/\s/.test(c)) lastSignificant = /[\w$)\]]/.test(c) ? 'x' : c;
      // `return /re/` and `typeof /re/`: a keyword before a slash starts a regex too
      if (/[a-z]/.test(c)) {
        const word = /^[a-z]+/.exec(text.slice(i))[0];
        if (word === 'return' || word === 'typeof' || word === 'case') lastSignificant = '(';
        i += word.length;
        continue;
      }
      i++;
    }
  }
  return { code: out.join(''), indexKeys };
}

/** Whether the innermost bracket open at `at` is a brace. */
function insideBraces(code, at) {
  let open = 0;
  for (let k = at - 1; k >= 0; k--) {
    const c = code[k];
    if (c === '}' || c === ')' || c === ']') open++;
    else if (c === '{' || c === '(' || c === '[') {
      if (open === 0) return c === '{';
      open--;
    }
  }
  return false;
}

function allowed(rel, name) {
  const path = rel.split(sep).join('/');
  return WIRE_NAMES.some((w) => w.names.includes(name) && (!w.under || path.startsWith(w.under)));
}

/** Findings in one file's text: `line: message`. */
export function findSnake(text) {
  const { code, indexKeys } = blank(text);
  const lineOf = (at) => code.slice(0, at).split('\n').length;
  const found = [];
  for (const m of code.matchAll(ACCESS)) found.push({ at: m.index, name: m[1], what: 'snake_case property' });
  for (const k of indexKeys)
    if (SNAKE.test(k.value)) found.push({ at: k.start, name: k.value, what: 'snake_case property' });
  for (const m of code.matchAll(KEY))
    if (insideBraces(code, m.index)) found.push({ at: m.index, name: m[1], what: 'snake_case key' });
  return found.sort((a, b) => a.at - b.at).map((f) => ({ line: lineOf(f.at), name: f.name, what: f.what }));
}

export function checkCamel(root) {
  const problems = [];
  for (const base of CHECKED) {
    for (const file of sourceFiles(join(root, base))) {
      const rel = relative(root, file);
      const path = rel.split(sep).join('/');
      if (OWNS_ROWS.test(path)) continue;
      for (const f of findSnake(readFileSync(file, 'utf8')))
        if (!allowed(rel, f.name))
          problems.push(`${rel}:${f.line}: ${f.what} '${f.name}' above a repository: map it to camelCase there`);
    }
  }
  return problems;
}

function selfTest() {
  const root = mkdtempSync(join(tmpdir(), 'check-camel-'));
  const put = (rel, text) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  try {
    put(
      'libs/audit/src/ok.service.ts',
      [
        'const sql = `SELECT chemical_id AS "chemicalId" FROM t WHERE a.facility_id = ${row.facilityId}`;',
        '// row.chemical_id in a comment is not code',
        "const s = 'x.chemical_id'; const re = /a.b_c/;",
        'const { chemicalId, ...rest_of } = row; f(a, b_c); const K = X.SOME_CONST;',
        'const n = 1_000.5 + 0.000_1;',
        "const kinds = ['road_transport']; f(['a_b'], x);",
        "const o = { protocols: ['http'], require_tld: false }; // an allowed wire name in exchange",
      ].join('\n'),
    );
    put(
      'libs/audit/src/bad.service.ts',
      [
        'const id = row.chemical_id;',
        "const q = row?.['facility_id'];",
        'const { unit_kg } = row;',
        'const {',
        '  count_id: id,',
        '} = row;',
        'const t = `${x.lot_no} in a template`;',
      ].join('\n'),
    );
    put('libs/exchange/src/feed/x.service.ts', 'const o = { require_tld: false };\n');
    put('libs/audit/src/audit.repository.ts', 'const id = row.chemical_id;\n');
    put('libs/telematics/src/fixes/positions.store.ts', 'const id = row.vehicle_id;\n');
    put('apps/api/src/x.ts', 'const y = { plate_no: 1 };\n');
    put('test/audit/x.ts', 'const id = row.chemical_id;\n');
    const got = checkCamel(root).map((p) => p.slice(0, p.indexOf(':', p.indexOf(':') + 1)));
    const want = [
      `apps${sep}api${sep}src${sep}x.ts:1`,
      `libs${sep}audit${sep}src${sep}bad.service.ts:1`,
      `libs${sep}audit${sep}src${sep}bad.service.ts:2`,
      `libs${sep}audit${sep}src${sep}bad.service.ts:3`,
      `libs${sep}audit${sep}src${sep}bad.service.ts:5`,
      `libs${sep}audit${sep}src${sep}bad.service.ts:7`,
      `libs${sep}audit${sep}src${sep}ok.service.ts:7`,
    ];
    if (JSON.stringify(got.sort()) !== JSON.stringify(want.sort())) {
      process.stderr.write(`check-camel self-test failed:\n  want ${want.join(', ')}\n  got  ${got.join(', ')}\n`);
      return 1;
    }
    process.stdout.write('check-camel self-test: ok\n');
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function main(args) {
  if (args.includes('--self-test')) return selfTest();
  const root = resolve(args[0] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkCamel(root);
  if (problems.length === 0) return 0;
  process.stderr.write(
    `${problems.join('\n')}\n${problems.length} snake_case name(s) above a repository (see .ci/check-camel.mjs)\n`,
  );
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
