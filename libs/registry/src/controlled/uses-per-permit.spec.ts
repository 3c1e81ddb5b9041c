import { usesPerPermit } from './controlled-chemicals.service.js';

describe('permit uses, one row per permit and subject', () => {
  it('books the sum of two chemicals carried under one transport permit, not the last line', () => {
    // Toluene 3 000.5 kg and acetone 1 999.5 kg under permit P: 5 000 kg used, not 1 999.5.
    expect(
      usesPerPermit([
        { licenceId: 'P', chemicalId: 'toluene', quantityKg: 3000.5 },
        { licenceId: 'Q', chemicalId: 'toluene', quantityKg: 10 },
        { licenceId: 'P', chemicalId: 'acetone', quantityKg: 1999.5 },
      ]),
    ).toEqual([
      { licenceId: 'P', chemicalId: 'toluene', quantityKg: 5000 },
      { licenceId: 'Q', chemicalId: 'toluene', quantityKg: 10 },
    ]);
  });

  it('keeps grams exact when adding (0.1 + 0.2 kg is 0.3 kg)', () => {
    expect(
      usesPerPermit([
        { licenceId: 'P', chemicalId: 'a', quantityKg: 0.1 },
        { licenceId: 'P', chemicalId: 'b', quantityKg: 0.2 },
      ])[0]!.quantityKg,
    ).toBe(0.3);
  });
});
