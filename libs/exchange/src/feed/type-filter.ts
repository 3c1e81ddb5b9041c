import { EVENTS, type ProblemItem } from '@lib/platform';

const TYPES = Object.keys(EVENTS);

/** Problems with a list of event types or stream.* patterns (unknown ones are named). */
export function typeProblems(types: string[], path: string): ProblemItem[] {
  const problems: ProblemItem[] = [];
  types.forEach((t, i) => {
    // A pattern `x.*` names every type that starts with `x.` (a stream, or a family such as audit.order.*).
    const ok = t === '*' || t in EVENTS || (t.endsWith('.*') && TYPES.some((k) => k.startsWith(t.slice(0, -1))));
    if (!ok)
      problems.push({
        path: `${path}[${i}]`,
        rule: 'UNKNOWN_EVENT_TYPE',
        message: `${t} is not an event type or stream.* pattern (GET /v1/exchange/schemas)`,
      });
  });
  return problems;
}

/** The types query parameter as SQL LIKE patterns (null: all). */
export function typePatterns(types: string[] | null): string[] | null {
  if (!types || types.length === 0 || types.includes('*')) return null;
  return types.map((t) => (t.endsWith('.*') ? `${t.slice(0, -1)}%` : t));
}
