/**
 * What a received trip leaves in transit, and who settles it. Pure: quantities in, decisions out.
 *
 * Receipt tolerance (the one receipt has always compared with): bulk in a tank is weighed, and a
 * weighbridge and the evaporation of a trip allow 0.5% (合理损耗); packages are counted, so none.
 * A shortfall within it is a transport loss (途耗) the closing of the waybill writes off; beyond
 * it the difference is a discrepancy emergency management resolves (it supervises the ledger and
 * confirms its corrections, 《危险化学品安全管理条例》 Art. 6(1)); until then it stays in transit
 * and the waybill shows it open.
 */
export const RECEIPT_TOLERANCE = { tank: 0.005, packaged: 0 } as const;

/** Differences under half a gram are rounding, not loss. */
const GRAM = 0.0005;

const roundKg = (kg: number): number => Math.round(kg * 1000) / 1000;

export interface ReceivedLine {
  line: number;
  packaging: keyof typeof RECEIPT_TOLERANCE;
  shippedKg: number;
  receivedKg: number;
}

export interface LineSettlement {
  line: number;
  /** shipped − received, kg (positive: short). */
  differenceKg: number;
  toleranceKg: number;
  /** within: a transport loss booked at closing; beyond: an open discrepancy; none: nothing to settle. */
  verdict: 'none' | 'within' | 'beyond';
}

/** Each line's verdict: its difference against the tolerance of its packaging. */
export function settle(line: ReceivedLine): LineSettlement {
  const toleranceKg = roundKg(line.shippedKg * RECEIPT_TOLERANCE[line.packaging]);
  const differenceKg = roundKg(line.shippedKg - line.receivedKg);
  const verdict =
    Math.abs(differenceKg) <= GRAM ? 'none' : Math.abs(differenceKg) > toleranceKg + GRAM ? 'beyond' : 'within';
  return { line: line.line, differenceKg, toleranceKg, verdict };
}
