// What the source checks of lint (check-doors.mjs, check-camel.mjs) share: walking apps/ and libs/,
// the self-test on a temporary fixture (so that a check cannot go blind unnoticed), and the command
// line (`node .ci/check-x.mjs [root]`, `--self-test`). Plain Node, no dependency.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every source file below dir whose name matches `pattern` (not .d.ts, node_modules or dist). */
export function* sourceFiles(dir, pattern) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p, pattern);
    else if (pattern.test(e.name) && !e.name.endsWith('.d.ts')) yield p;
  }
}

/**
 * Runs `check` on a temporary tree of `fixtures` (repo-relative path → text) and compares the
 * `file:line` of its findings with `want` (repo-relative, '/' separators); 0 when they agree.
 */
export function selfTest(name, check, fixtures, want) {
  const root = mkdtempSync(join(tmpdir(), `${name}-`));
  try {
    for (const [rel, text] of Object.entries(fixtures)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    const got = check(root)
      .map((p) => p.slice(0, p.indexOf(':', p.indexOf(':') + 1)).replaceAll('\\', '/'))
      .sort();
    const expected = [...want].sort();
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      process.stderr.write(`${name} self-test failed:\n  want ${expected.join(', ')}\n  got  ${got.join(', ')}\n`);
      return 1;
    }
    process.stdout.write(`${name} self-test: ok\n`);
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The command line of a check module (call it with the module's import.meta.url): runs the self-test
 * or the check on the repository (or the root given), prints the findings and sets the exit code.
 */
export function runCheck(moduleUrl, { name, check, test, what }) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const args = process.argv.slice(2);
  if (args.includes('--self-test')) {
    process.exitCode = test();
    return;
  }
  const root = resolve(args[0] ?? join(dirname(fileURLToPath(moduleUrl)), '..'));
  const problems = check(root);
  if (problems.length === 0) return;
  process.stderr.write(`${problems.join('\n')}\n${problems.length} ${what} (see .ci/${name}.mjs)\n`);
  process.exitCode = 1;
}
