/**
 * Chinese vehicle plates (GA 36-2018): a province character, a letter for the issuing city, then
 * 5 characters (6 for new-energy vehicles). Letters I and O are never used. Trailer plates end
 * in 挂 after 4 characters. Hazardous-goods vehicles carry ordinary yellow plates in this format.
 */
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z';
const ORDINARY = new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{5}$`);
const NEW_ENERGY = new RegExp(`^[${PROVINCES}][${L}](?:[DF][${L}0-9]\\d{4}|\\d{5}[DF])$`);
const TRAILER = new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{4}挂$`);

export type PlateKind = 'motor' | 'trailer';

export function plateProblem(value: string, kind: PlateKind): string | null {
  if (kind === 'trailer') {
    return TRAILER.test(value)
      ? null
      : 'a trailer plate is a province character, a letter, 4 letters or digits and 挂 (e.g. 苏B1234挂)';
  }
  if (value.endsWith('挂')) return 'only a trailer has a plate ending in 挂';
  return ORDINARY.test(value) || NEW_ENERGY.test(value)
    ? null
    : 'must be a province character, a letter (not I or O) and 5 letters or digits, or 6 for a new-energy plate (e.g. 苏B12345)';
}

/** Plates are stored upper-case without spaces or the middle dot some forms print. */
export const normalisePlate = (value: string): string => value.replace(/[\s·•.]/g, '').toUpperCase();
