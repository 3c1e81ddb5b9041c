import { correctionFactor, criticalQuantity, type SubstanceFacts } from './hazard-categories.js';
import { alphaFor, gradeFor } from './tables.js';

/** One chemical's line in the sums, every factor with where it came from. */
export interface Term {
  chemicalId: string;
  name: string;
  /** q in tonnes. */
  q: number;
  qSource: string;
  Q: number;
  QSource: string;
  beta: number;
  betaSource: string;
  /** q / Q */
  ratio: number;
}

export interface UnitAssessment {
  terms: Term[];
  /** Chemicals with no critical quantity (e.g. corrosive only): not counted, listed so the reader sees why. */
  notCounted: Array<{ chemicalId: string; name: string; q: number; reason: string }>;
  /** S = Σ q/Q (formula 1). */
  S: number;
  major: boolean;
  alpha: number | null;
  alphaSource: string | null;
  /** R = α Σ β q/Q (formula 2), only for a major hazard source. */
  R: number | null;
  grade: 1 | 2 | 3 | 4 | null;
}

/**
 * Identification and grading of one unit (§4.2, §4.3): S ≥ 1 makes it a major hazard source;
 * only then is R computed and graded. Full precision throughout (the standard does not round).
 */
export function assessUnit(
  items: Array<{ substance: SubstanceFacts; qT: number; qSource: string }>,
  peopleWithin500m: number,
): UnitAssessment {
  const terms: Term[] = [];
  const notCounted: UnitAssessment['notCounted'] = [];
  for (const { substance: s, qT, qSource } of items) {
    if (!(qT > 0)) continue;
    const Q = criticalQuantity(s);
    if (!Q) {
      notCounted.push({
        chemicalId: s.chemicalId,
        name: s.name,
        q: qT,
        reason: 'no critical quantity in GB 18218-2018 (not in Table 1, no Table 2 category)',
      });
      continue;
    }
    const b = correctionFactor(s, Q);
    terms.push({
      chemicalId: s.chemicalId,
      name: s.name,
      q: qT,
      qSource,
      Q: Q.Q,
      QSource: Q.source,
      beta: b.beta,
      betaSource: b.source,
      ratio: qT / Q.Q,
    });
  }
  const S = terms.reduce((sum, t) => sum + t.ratio, 0);
  const major = S >= 1;
  if (!major) return { terms, notCounted, S, major, alpha: null, alphaSource: null, R: null, grade: null };
  const { alpha, band } = alphaFor(peopleWithin500m);
  const R = alpha * terms.reduce((sum, t) => sum + t.beta * t.ratio, 0);
  return {
    terms,
    notCounted,
    S,
    major,
    alpha,
    alphaSource: `GB 18218-2018 表5 ${band} (${peopleWithin500m} people within 500 m)`,
    R,
    grade: gradeFor(R),
  };
}

/** Risk-map colour of a grade (四色): 一级 red, 二级 orange, 三级 yellow, 四级 blue, not a major hazard grey. */
export function colourOf(grade: 1 | 2 | 3 | 4 | null): 'red' | 'orange' | 'yellow' | 'blue' | 'grey' {
  return grade === 1 ? 'red' : grade === 2 ? 'orange' : grade === 3 ? 'yellow' : grade === 4 ? 'blue' : 'grey';
}
