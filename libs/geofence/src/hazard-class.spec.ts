import { classCovers, zoneCoversLoad } from './hazard-class.js';

describe('ADR class matching', () => {
  it('covers a load by its class or division', () => {
    expect(classCovers('2', '2.3')).toBe(true);
    expect(classCovers('2.3', '2.3')).toBe(true);
    expect(classCovers('2.1', '2.3')).toBe(false);
    expect(classCovers('1', '1.1D')).toBe(true);
    expect(classCovers('1.1', '1.1D')).toBe(true);
    expect(classCovers('1.4', '1.1D')).toBe(false);
    expect(classCovers('1', '12')).toBe(false);
    expect(classCovers('2.3', '2')).toBe(false);
  });

  it('applies a zone with no classes to every load, else when any class covers any load class', () => {
    expect(zoneCoversLoad([], ['3'])).toBe(true);
    expect(zoneCoversLoad(['8', '2'], ['3', ' 2.1 '])).toBe(true);
    expect(zoneCoversLoad(['1.1'], ['1.1d'])).toBe(true);
    expect(zoneCoversLoad(['8'], ['3'])).toBe(false);
    expect(zoneCoversLoad(['8'], [])).toBe(false);
  });
});
