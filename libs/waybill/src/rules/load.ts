import type { ProblemItem } from '@lib/platform';
import { type ContentForRules, itemPath, p, type Resolved } from './context.js';
import { segregationConflicts } from './segregation.js';

/**
 * What travels together: mixed loading by danger label (ADR 7.5.2.1, segregation.ts), and in a
 * tank one chemical per compartment, each tank line naming its compartment: the filling limits
 * of ADR 4.3.2.2 and 4.3.3.2.5 hold per compartment (tank-filling.ts measures each one).
 */
export function load(c: ContentForRules, r: Resolved): ProblemItem[] {
  const out: ProblemItem[] = [];
  const conflicts = segregationConflicts(
    c.items.map((i) => {
      const chem = r.chemicals.get(i.chemicalId);
      return {
        line: i.line,
        unNumber: chem?.unNumber ?? null,
        unClass: chem?.unClass ?? null,
        subsidiaryRisks: chem?.subsidiaryRisks ?? [],
      };
    }),
  );
  for (const { lines, labels } of conflicts)
    out.push(
      p(
        'items',
        'SEGREGATION',
        `lines ${lines[0]} and ${lines[1]} may not be loaded together: labels ${labels[0]} and ${labels[1]} (ADR 7.5.2.1)`,
      ),
    );
  const byCompartment = new Map<number, Set<string>>();
  for (const i of c.items.filter((x) => x.packaging === 'tank')) {
    if (i.compartment === null) {
      out.push(p(itemPath(i.line, 'compartment'), 'COMPARTMENT_REQUIRED', 'a tank load names its compartment'));
      continue;
    }
    byCompartment.set(i.compartment, (byCompartment.get(i.compartment) ?? new Set()).add(i.chemicalId));
  }
  for (const [n, set] of byCompartment)
    if (set.size > 1)
      out.push(
        p('items', 'COMPARTMENT_SHARED', `compartment ${n} would hold ${set.size} chemicals; one per compartment`),
      );
  return out;
}
