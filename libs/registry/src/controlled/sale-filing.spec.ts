import { filingCovers, type SaleFilingFacts, saleFilingDue, saleOverdue } from './sale-filing.js';

describe('saleFilingDue: Decree 591 Art. 41, within 5 days of the sale (local days, Asia/Shanghai)', () => {
  it.each([
    // Sold Tue 1 Dec 10:00 in Wuxi (02:00Z): days 2, 3, 4, 5, 6 Dec; due at local midnight ending 6 Dec = 6 Dec 16:00Z.
    ['2026-12-01T02:00:00Z', '2026-12-06T16:00:00.000Z'],
    // 23:30 local on 1 Dec (15:30Z) is still 1 Dec: same due instant.
    ['2026-12-01T15:30:00Z', '2026-12-06T16:00:00.000Z'],
    // 00:30 local on 2 Dec (16:30Z on 1 Dec) is 2 Dec: due a day later.
    ['2026-12-01T16:30:00Z', '2026-12-07T16:00:00.000Z'],
    // Across the month end: 28 Feb 2027 + 5 days = 5 March.
    ['2027-02-28T04:00:00Z', '2027-03-05T16:00:00.000Z'],
  ])('sold at %s falls due at %s', (soldAt, due) => {
    expect(saleFilingDue(new Date(soldAt)).toISOString()).toBe(due);
  });

  it('is overdue from its due instant while no filing is recorded', () => {
    const dueAt = new Date('2026-12-06T16:00:00Z');
    expect(saleOverdue({ dueAt, filingId: null }, new Date('2026-12-06T15:59:59Z'))).toBe(false);
    expect(saleOverdue({ dueAt, filingId: null }, new Date('2026-12-06T16:00:00Z'))).toBe(true);
    expect(saleOverdue({ dueAt, filingId: 'f-1' }, new Date('2026-12-20T00:00:00Z'))).toBe(false);
  });
});

describe('filingCovers: a verified sale filing records the sale', () => {
  const sale = {
    sellerId: 'seller',
    buyerId: 'buyer',
    chemicalId: 'nitric',
    quantityKg: 800,
    soldAt: new Date('2026-12-01T02:00:00Z'),
    dueAt: new Date('2026-12-06T16:00:00Z'),
  };
  const filing: SaleFilingFacts = {
    id: 'f-1',
    enterpriseId: 'seller',
    status: 'verified',
    validFrom: '2026-12-03',
    validTo: '2026-12-31',
    chemicalIds: ['nitric'],
    counterpartyId: 'buyer',
    permittedQuantityKg: 1000,
    usedKg: 0,
  };
  it.each<[string, Partial<SaleFilingFacts>, boolean]>([
    ['its chemical, buyer and quantity', {}, true],
    // 200 + 800 = 1000: exactly the filed quantity.
    ['when 200 of its 1000 kg record another sale', { usedKg: 200 }, true],
    ['when 200.001 of its 1000 kg are used', { usedKg: 200.001 }, false],
    ['pending with police', { status: 'pending' }, false],
    ['another seller’s filing', { enterpriseId: 'other' }, false],
    ['another buyer', { counterpartyId: 'someone' }, false],
    ['another chemical', { chemicalIds: ['sulphur'] }, false],
    ['a filing that ended before the sale', { validFrom: '2026-11-01', validTo: '2026-11-30' }, false],
    // Sold 1 Dec (local): a filing dated 30 Nov reports no sale that had happened, however long it runs.
    ['a filing made the day before the sale', { validFrom: '2026-11-30' }, false],
    ['a filing made on the day of the sale', { validFrom: '2026-12-01' }, true],
    // 1 Dec + 5 days = 6 Dec, the last day of Art. 41's 5 days; 7 Dec is late.
    ['a filing made on the fifth day after', { validFrom: '2026-12-06' }, true],
    ['a filing made on the sixth day after', { validFrom: '2026-12-07' }, false],
  ])('%s', (_, f, covers) => {
    expect(filingCovers({ ...filing, ...f }, sale)).toBe(covers);
  });
});
