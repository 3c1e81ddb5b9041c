import type { ProcessConditions } from './category-mapping.js';
import { Rational } from './exact.js';
import { correctionFactor, criticalQuantity, type SubstanceFacts } from './hazard-categories.js';
import { alphaFor, gradeFor } from './tables.js';

/** One chemical's line in the sums, every factor with where it came from. */
export interface Term {
  chemicalId: string;
  name: string;
  /** q in tonnes (display). */
  q: number;
  qSource: string;
  Q: number;
  QSource: string;
  beta: number;
  betaSource: string;
  /** q / Q (display: the nearest double). */
  ratio: number;
  /** q / Q exactly: a terminating decimal, or the reduced fraction ("1/3"). */
  ratioExact: string;
}

export interface UnitAssessment {
  terms: Term[];
  /** Chemicals with no critical quantity (e.g. corrosive only): not counted, listed so the reader sees why. */
  notCounted: Array<{ chemicalId: string; name: string; q: number; reason: string }>;
  /** S = Σ q/Q (formula 1), for display. */
  S: number;
  /** S exactly (a terminating decimal or a reduced fraction): what S ≥ 1 was decided on. */
  SExact: string;
  major: boolean;
  alpha: number | null;
  alphaSource: string | null;
  /** R = α Σ β q/Q (formula 2), only for a major hazard source; for display. */
  R: number | null;
  /** R exactly: what Table 6's bounds were decided on. */
  RExact: string | null;
  grade: 1 | 2 | 3 | 4 | null;
}

export interface UnitItem {
  substance: SubstanceFacts;
  /** q in kilograms (the registry's and the ledger's unit; a decimal string or a number, up to 3 decimals). */
  qKg: number | string;
  qSource: string;
}

const KG_PER_T = Rational.of(1000n);

/**
 * Identification and grading of one unit (§4.2, §4.3): S ≥ 1 makes it a major hazard source;
 * only then is R computed and graded. Every sum is exact (exact.ts): the decision at S = 1 and at
 * Table 6's bounds does not depend on the order of the items; numbers are rounded for display only.
 */
export function assessUnit(items: UnitItem[], peopleWithin500m: number, process?: ProcessConditions): UnitAssessment {
  const terms: Term[] = [];
  const exact: Array<{ ratio: Rational; beta: Rational }> = [];
  const notCounted: UnitAssessment['notCounted'] = [];
  for (const { substance: s, qKg, qSource } of items) {
    const qT = Rational.from(qKg).div(KG_PER_T);
    if (!qT.isPositive()) continue;
    const Q = criticalQuantity(s, process);
    if (!Q) {
      notCounted.push({
        chemicalId: s.chemicalId,
        name: s.name,
        q: qT.toNumber(),
        reason: 'no critical quantity in GB 18218-2018 (not in Table 1, no Table 2 category)',
      });
      continue;
    }
    const b = correctionFactor(s, Q, process);
    const ratio = qT.div(Rational.from(Q.Q));
    exact.push({ ratio, beta: Rational.from(b.beta) });
    terms.push({
      chemicalId: s.chemicalId,
      name: s.name,
      q: qT.toNumber(),
      qSource,
      Q: Number(Q.Q),
      QSource: Q.source,
      beta: Number(b.beta),
      betaSource: b.source,
      ratio: ratio.toNumber(),
      ratioExact: ratio.toExact(),
    });
  }
  const S = Rational.sum(exact.map((t) => t.ratio));
  const major = S.gte(Rational.ONE);
  const base = { terms, notCounted, S: S.toNumber(), SExact: S.toExact(), major };
  if (!major) return { ...base, alpha: null, alphaSource: null, R: null, RExact: null, grade: null };
  const { alpha, band } = alphaFor(peopleWithin500m);
  const R = Rational.from(alpha).mul(Rational.sum(exact.map((t) => t.beta.mul(t.ratio))));
  return {
    ...base,
    alpha,
    alphaSource: `GB 18218-2018 表5 ${band} (${peopleWithin500m} people within 500 m)`,
    R: R.toNumber(),
    RExact: R.toExact(),
    grade: gradeFor(R),
  };
}

/** Risk-map colour of a grade (四色): 一级 red, 二级 orange, 三级 yellow, 四级 blue, not a major hazard grey. */
export function colourOf(grade: 1 | 2 | 3 | 4 | null): 'red' | 'orange' | 'yellow' | 'blue' | 'grey' {
  return grade === 1 ? 'red' : grade === 2 ? 'orange' : grade === 3 ? 'yellow' : grade === 4 ? 'blue' : 'grey';
}
