import { Rational } from './exact.js';

/**
 * GB 18218-2018《危险化学品重大危险源辨识》, the tables the method needs (Table 1's named
 * critical quantities live in the chemical catalogue, seeded from migrations/seed/gb18218-chemicals.csv).
 * Numbers as printed in the standard; see migrations/seed/README.md for the transcriptions they
 * were checked against.
 */

/** Table 2 (临界量 by hazard category) with Table 4 (β by category), one row per symbol. */
export const TABLE_2 = {
  J1: { Q: 5, beta: 4, label: '急性毒性 类别1，所有暴露途径，气体' },
  J2: { Q: 50, beta: 1, label: '急性毒性 类别1，所有暴露途径，固体、液体' },
  J3: { Q: 50, beta: 2, label: '急性毒性 类别2、类别3，所有暴露途径，气体' },
  J4: { Q: 50, beta: 2, label: '急性毒性 类别2、类别3，吸入途径，液体（沸点≤35℃）' },
  J5: { Q: 500, beta: 1, label: '急性毒性 类别2，所有暴露途径，液体（除J4外）、固体' },
  'W1.1': { Q: 1, beta: 2, label: '爆炸物 不稳定爆炸物；1.1项爆炸物' },
  'W1.2': { Q: 10, beta: 2, label: '爆炸物 1.2、1.3、1.5、1.6项爆炸物' },
  'W1.3': { Q: 50, beta: 2, label: '爆炸物 1.4项爆炸物' },
  W2: { Q: 10, beta: 1.5, label: '易燃气体 类别1和类别2' },
  W3: { Q: 150, beta: 1, label: '气溶胶 类别1和类别2（净重）' },
  W4: { Q: 50, beta: 1, label: '氧化性气体 类别1' },
  'W5.1': { Q: 10, beta: 1.5, label: '易燃液体 类别1；类别2和3，工作温度高于沸点' },
  'W5.2': { Q: 50, beta: 1, label: '易燃液体 类别2和3，具有引发重大事故的特殊工艺条件' },
  'W5.3': { Q: 1000, beta: 1, label: '易燃液体 不属于W5.1或W5.2的其他类别2' },
  'W5.4': { Q: 5000, beta: 1, label: '易燃液体 不属于W5.1或W5.2的其他类别3' },
  'W6.1': { Q: 10, beta: 1.5, label: '自反应物质和混合物 A型和B型' },
  'W6.2': { Q: 50, beta: 1, label: '自反应物质和混合物 C型、D型、E型' },
  'W7.1': { Q: 10, beta: 1.5, label: '有机过氧化物 A型和B型' },
  'W7.2': { Q: 50, beta: 1, label: '有机过氧化物 C型、D型、E型、F型' },
  W8: { Q: 50, beta: 1, label: '自燃液体和自燃固体 类别1' },
  'W9.1': { Q: 50, beta: 1, label: '氧化性固体和液体 类别1' },
  'W9.2': { Q: 200, beta: 1, label: '氧化性固体和液体 类别2、类别3' },
  W10: { Q: 200, beta: 1, label: '易燃固体 类别1' },
  W11: { Q: 200, beta: 1, label: '遇水放出易燃气体的物质和混合物 类别1和类别2' },
} as const;
export type HazardCategory = keyof typeof TABLE_2;

/**
 * Table 3: β of the named toxic gases (「毒性气体校正系数β取值表」), by CAS number, with the UN
 * entries of the substance itself. Table 3 names gases: an aqueous solution that shares the CAS
 * (UN1790 hydrofluoric acid, UN1789 hydrochloric acid, UN2672 ammonia solution, UN1613 hydrocyanic
 * acid) is not the named gas and takes β from Table 4 by its own category.
 */
export const TABLE_3: Record<string, { name: string; beta: number; un: readonly string[] }> = {
  '630-08-0': { name: '一氧化碳', beta: 2, un: ['1016'] },
  '7446-09-5': { name: '二氧化硫', beta: 2, un: ['1079'] },
  '7664-41-7': { name: '氨', beta: 2, un: ['1005'] },
  '75-21-8': { name: '环氧乙烷', beta: 2, un: ['1040'] },
  '7647-01-0': { name: '氯化氢', beta: 3, un: ['1050', '2186'] },
  '74-83-9': { name: '溴甲烷', beta: 3, un: ['1062'] },
  '7782-50-5': { name: '氯', beta: 4, un: ['1017'] },
  '7783-06-4': { name: '硫化氢', beta: 5, un: ['1053'] },
  '7664-39-3': { name: '氟化氢', beta: 5, un: ['1052'] },
  '10102-44-0': { name: '二氧化氮', beta: 10, un: ['1067'] },
  '74-90-8': { name: '氰化氢', beta: 10, un: ['1051', '1614'] },
  '75-44-5': { name: '碳酰氯', beta: 20, un: ['1076'] },
  '7803-51-2': { name: '磷化氢', beta: 20, un: ['2199'] },
  '624-83-9': { name: '异氰酸甲酯', beta: 20, un: ['2480'] },
};

/** Table 5: α from the permanent residents within 500 m of the site boundary (whole-person bands). */
export function alphaFor(people: number): { alpha: number; band: string } {
  if (people >= 100) return { alpha: 2.0, band: '100人以上' };
  if (people >= 50) return { alpha: 1.5, band: '50~99人' };
  if (people >= 30) return { alpha: 1.2, band: '30~49人' };
  if (people >= 1) return { alpha: 1.0, band: '1~29人' };
  return { alpha: 0.5, band: '0人' };
}

/**
 * Table 6: the grade (一级 most serious) from R, decided exactly: R is compared as the exact
 * fraction (or the decimal given), never as a rounded double.
 */
export function gradeFor(R: Rational | number | string): 1 | 2 | 3 | 4 {
  const r = Rational.from(R);
  if (r.gte(100)) return 1;
  if (r.gte(50)) return 2;
  if (r.gte(10)) return 3;
  return 4;
}
