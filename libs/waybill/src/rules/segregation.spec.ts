import { labelsOf, type Loadable, segregationConflicts } from './segregation.js';

const g = (
  line: number,
  unClass: string,
  subsidiaryRisks: string[] = [],
  unNumber: string | null = null,
): Loadable => ({
  line,
  unClass,
  subsidiaryRisks,
  unNumber,
});
const together = (a: Loadable, b: Loadable): boolean => segregationConflicts([a, b]).length === 0;

describe('mixed loading, the table of ADR 7.5.2.1 with footnotes a to d', () => {
  it.each([
    // a, b, allowed, the cell of the table
    [g(1, '2.3'), g(2, '3'), true, 'other × other: X'],
    [g(1, '6.1', ['8']), g(2, '5.1'), true, 'other × 5.1: X'],
    [g(1, '1.1D'), g(2, '3'), false, '1 × other: forbidden'],
    [g(1, '1.1D'), g(2, '1.3C'), true, '1 × 1: 7.5.2.2'],
    [g(1, '1.1D'), g(2, '1.4S'), true, '1 × 1.4: 7.5.2.2'],
    [g(1, '1.4S'), g(2, '3'), true, '1.4 × other: footnote a, 1.4S'],
    [g(1, '1.4G'), g(2, '3'), false, '1.4 × other: footnote a does not cover 1.4G'],
    [g(1, '1.4B'), g(2, '8'), false, '1.4 × other: footnote a does not cover 1.4B'],
    [g(1, '1.4S'), g(2, '4.1', ['1']), false, '1.4 × 4.1+1: forbidden even for 1.4S'],
    [g(1, '1.5D'), g(2, '3'), false, '1.5 × other: forbidden'],
    [g(1, '1.6N'), g(2, '8'), false, '1.6 × other: forbidden'],
    [g(1, '1.1D', [], '0209'), g(2, '9', [], '3268'), true, '1 × 9 life-saving appliance: footnote b'],
    [g(1, '1.1D', [], '0209'), g(2, '9', [], '3077'), false, '1 × other class 9: forbidden'],
    [g(1, '1.4G', [], '0503'), g(2, '9', [], '3268'), true, '1.4G UN 0503 × UN 3268: footnote c'],
    [g(1, '1.1D', [], '0084'), g(2, '5.1', [], '1942'), true, 'blasting explosive × ammonium nitrate: footnote d'],
    [g(1, '1.1D', [], '0083'), g(2, '5.1', [], '1942'), false, 'blasting explosive type C is excepted from d'],
    [g(1, '1.1D', [], '0209'), g(2, '5.1', [], '1942'), false, 'TNT is no blasting explosive of d'],
    [g(1, '5.2', ['1']), g(2, '8'), false, '5.2+1 × other: forbidden'],
    [g(1, '5.2', ['1']), g(2, '4.1', ['1']), true, '5.2+1 × 4.1+1: X'],
    [g(1, '5.2'), g(2, '8'), true, '5.2 without the explosive label × other: X'],
    [g(1, '5.2', ['1']), g(2, '1.1D'), false, '5.2+1 × 1: forbidden'],
    [g(1, '6.1'), g(2, '3', ['6.1']), true, 'labels 6.1 and 3 + 6.1: X'],
  ] as const)('%o with %o: %s (%s)', (a, b, allowed, _cell) => {
    expect(together(a, b)).toBe(allowed);
  });

  it('reads the labels a package bears', () => {
    expect(labelsOf(g(1, '1.1D', ['6.1']))).toEqual(['1', '6.1']);
    expect(labelsOf(g(1, '4.1', ['1']))).toEqual(['4.1+1']);
    expect(labelsOf(g(1, '2.3', ['5.1', '8']))).toEqual(['2', '5.1', '8']);
    expect(labelsOf(g(1, '1.4S'))).toEqual(['1.4']);
  });

  it('names the pair of lines and the labels that forbid it', () => {
    expect(segregationConflicts([g(1, '3'), g(2, '8'), g(3, '1.4G')])).toEqual([
      { lines: [1, 3], labels: ['3', '1.4'] },
      { lines: [2, 3], labels: ['8', '1.4'] },
    ]);
  });
});
