import type { SubstanceFacts } from './hazard-categories.js';

/** A catalogue entry for the GB 18218 specs: nothing known but what the test gives. */
export const substance = (over: Partial<SubstanceFacts>): SubstanceFacts => ({
  chemicalId: over.name ?? 'x',
  name: 'x',
  cas: null,
  unNumber: null,
  unClass: null,
  subsidiaryRisks: [],
  packingGroups: [],
  physicalState: null,
  highlyToxic: false,
  table1CriticalT: null,
  catalogueBeta: null,
  ...over,
});
