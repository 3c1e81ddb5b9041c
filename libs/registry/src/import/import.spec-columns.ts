/**
 * How CSV cells become typed values, per import kind. Column names are the JSON field names of the
 * create routes; lists are separated by ";"; references may be given by credit code instead of id.
 */
export interface ColumnSpec {
  lists: string[];
  numbers: string[];
  booleans: string[];
  /** CSV column → [field it resolves into, enterprise credit code → id]. */
  creditCodeRefs: Record<string, string>;
}

export const IMPORT_KINDS = ['chemicals', 'enterprises', 'vehicles', 'personnel', 'licences'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const COLUMN_SPECS: Record<ImportKind, ColumnSpec> = {
  chemicals: {
    lists: ['synonyms', 'subsidiaryRisks', 'packingGroups'],
    numbers: ['densityKgPerL', 'drugPrecursorCategory', 'gb18218CriticalT'],
    booleans: ['highlyToxic', 'explosivePrecursor', 'keySupervised'],
    creditCodeRefs: {},
  },
  enterprises: { lists: ['roles'], numbers: [], booleans: ['usesAboveThreshold'], creditCodeRefs: {} },
  vehicles: {
    lists: ['permittedClasses', 'approvedMedia'],
    numbers: ['tankVolumeM3', 'approvedLoadKg'],
    booleans: [],
    creditCodeRefs: { carrierCreditCode: 'carrierId' },
  },
  personnel: { lists: [], numbers: [], booleans: [], creditCodeRefs: { employerCreditCode: 'employerId' } },
  licences: {
    lists: ['scopeChemicalIds', 'scopeClasses', 'scopeWasteCodes', 'scopeRouteIds', 'scopeVehicleIds', 'documents'],
    numbers: ['permittedQuantityKg'],
    booleans: ['withStorage'],
    creditCodeRefs: { enterpriseCreditCode: 'enterpriseId' },
  },
};

const TRUE = new Set(['true', 'yes', '1', '是']);
const FALSE = new Set(['false', 'no', '0', '否']);

/** Turns one CSV record into the JSON shape of a create request (cells that do not parse stay strings, for the validator to name). */
export function coerceCsvRow(values: Record<string, string>, spec: ColumnSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const v = raw.trim();
    if (v === '') continue;
    if (spec.lists.includes(key))
      out[key] = v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (spec.numbers.includes(key)) out[key] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    else if (spec.booleans.includes(key))
      out[key] = TRUE.has(v.toLowerCase()) ? true : FALSE.has(v.toLowerCase()) ? false : v;
    else out[key] = v;
  }
  // Enterprise contacts come as three flat columns.
  if (out.contactName || out.contactPhone) {
    out.contacts = [
      {
        name: out.contactName,
        ...(out.contactRole ? { role: out.contactRole } : {}),
        ...(out.contactPhone ? { phone: out.contactPhone } : {}),
      },
    ];
  }
  delete out.contactName;
  delete out.contactRole;
  delete out.contactPhone;
  // A licence's scope comes as flat columns scopeClasses, scopeChemicalIds…
  const scope: Record<string, unknown> = {};
  for (const [column, field] of [
    ['scopeChemicalIds', 'chemicalIds'],
    ['scopeClasses', 'classes'],
    ['scopeWasteCodes', 'wasteCodes'],
    ['scopeRouteIds', 'routeIds'],
    ['scopeVehicleIds', 'vehicleIds'],
  ] as const) {
    if (out[column] !== undefined) scope[field] = out[column];
    delete out[column];
  }
  if (Object.keys(scope).length) out.scope = scope;
  return out;
}
