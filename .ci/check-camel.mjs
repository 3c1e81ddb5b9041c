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
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { runCheck, selfTest, sourceFiles } from './source-check.mjs';

const CHECKED = ['apps', 'libs'];
const SOURCE = /\.(ts|mts|cts)$/;
/** Files that own SQL and its row mapping: snake_case is their job. */
const OWNS_ROWS = /\.(repository|store)\.ts$/;

/**
 * Names that are snake_case on a wire format the service does not own, and may be written as
 * such. `under` narrows an entry to one folder (repo-relative, '/' separators); every entry says
 * why. Values of our own vocabularies (see `vocabulary` below) need no entry.
 */
export const WIRE_NAMES = [
  {
    names: ['require_protocol', 'require_tld'],
    under: 'libs/exchange/src/',
    reason: "validator.js's isURL options (class-validator's @IsUrl passes them through as spelled)",
  },
];

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const SNAKE_SRC = '[a-z][a-z0-9]*(?:_[a-z0-9]+)+';
// `.name` or `?.name`, not the spread `...name`, not a number's fraction.
const ACCESS = new RegExp(`(?<![.\\d])\\.\\s*(${SNAKE_SRC})(?![\\w$])`, 'g');
// A key right after `{` or `,` (followed by `,` `}` `:` `=` `?:`), counted only when braces enclose it.
const KEY = new RegExp(`(?<=[{,]\\s*)(${SNAKE_SRC})(?=\\s*(?:[,}:=]|\\?:))`, 'g');

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

function allowed(rel, name, values) {
  const path = rel.split(sep).join('/');
  return values.has(name) || WIRE_NAMES.some((w) => w.names.includes(name) && (!w.under || path.startsWith(w.under)));
}

// A vocabulary: `['a_b', 'c_d'] as const` (LICENCE_KINDS, COMMAND_KINDS, …) or a union of string
// literals (`type RegistrationOutcome = 'ok' | 'no_vehicle'`).
const AS_CONST = /\[([^\]]*)\]\s*as\s+const/g;
const UNION = /\btype\s+\w+\s*=((?:\s*\|?\s*'[^'\n]*')+)/g;
const LITERAL = /'([a-z][a-z0-9_]*)'/g;

/**
 * The snake_case values of our own vocabularies. Such a value used as a key (a Record<Kind, …>
 * table: LICENCE_ISSUERS, OPERATION_BUILDERS, …) is a lookup by an enum value, not a row field;
 * read from the code itself so that no list here repeats a vocabulary.
 */
function vocabulary(files) {
  const values = new Set();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const re of [AS_CONST, UNION])
      for (const m of text.matchAll(re)) for (const l of m[1].matchAll(LITERAL)) if (SNAKE.test(l[1])) values.add(l[1]);
  }
  return values;
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
  const files = CHECKED.flatMap((base) => [...sourceFiles(join(root, base), SOURCE)]).filter(
    (file) => !OWNS_ROWS.test(relative(root, file).split(sep).join('/')),
  );
  const values = vocabulary(files);
  for (const file of files) {
    const rel = relative(root, file);
    for (const f of findSnake(readFileSync(file, 'utf8')))
      if (!allowed(rel, f.name, values))
        problems.push(`${rel}:${f.line}: ${f.what} '${f.name}' above a repository: map it to camelCase there`);
  }
  return problems;
}

function test() {
  return selfTest(
    'check-camel',
    checkCamel,
    {
      'libs/audit/src/ok.service.ts': [
        'const sql = `SELECT chemical_id AS "chemicalId" FROM t WHERE a.facility_id = ${row.facilityId}`;',
        '// row.chemical_id in a comment is not code',
        "const s = 'x.chemical_id'; const re = /a.b_c/;",
        'const { chemicalId, ...rest_of } = row; f(a, b_c); const K = X.SOME_CONST;',
        'const n = 1_000.5 + 0.000_1;',
        "const kinds = ['road_transport']; f(['a_b'], x);",
        "const o = { protocols: ['http'], require_tld: false }; // an allowed wire name in exchange",
      ].join('\n'),
      'libs/audit/src/bad.service.ts': [
        'const id = row.chemical_id;',
        "const q = row?.['facility_id'];",
        'const { unit_kg } = row;',
        'const {',
        '  count_id: id,',
        '} = row;',
        'const t = `${x.lot_no} in a template`;',
      ].join('\n'),
      'libs/exchange/src/feed/x.service.ts': 'const o = { require_tld: false };\n',
      'libs/audit/src/audit.repository.ts': "const id = row.chemical_id; const cols = ['unit_kg'] as const;\n",
      'libs/audit/src/vocabulary.ts': [
        "export const ORDER_KINDS = ['order_issued', 'x'] as const;",
        "type Outcome = 'ok' | 'no_match';",
        'const LABELS: Record<string, number> = { order_issued: 1, no_match: 2 };',
      ].join('\n'),
      'libs/telematics/src/fixes/positions.store.ts': 'const id = row.vehicle_id;\n',
      'apps/api/src/x.ts': 'const y = { plate_no: 1 };\n',
      'test/audit/x.ts': 'const id = row.chemical_id;\n',
    },
    [
      'apps/api/src/x.ts:1',
      'libs/audit/src/bad.service.ts:1',
      'libs/audit/src/bad.service.ts:2',
      'libs/audit/src/bad.service.ts:3',
      'libs/audit/src/bad.service.ts:5',
      'libs/audit/src/bad.service.ts:7',
      'libs/audit/src/ok.service.ts:7',
    ],
  );
}

runCheck(import.meta.url, {
  name: 'check-camel',
  check: checkCamel,
  test,
  what: 'snake_case name(s) above a repository',
});
