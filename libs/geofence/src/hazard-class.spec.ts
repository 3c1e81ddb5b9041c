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

  // Registry (licence and permit scopes) and geofence (zones) each had their own copy; these are
  // the inputs on which the two copies answered differently.
  it.each([
    ['4.1', '4.1D', true, 'a stray letter does not take a 4.1 load out of a 4.1 scope'],
    ['1.1', '1.10', false, 'a digit after the scope is another division'],
    ['3', '3A', true, 'class 3 covers what starts with 3 and goes on with no digit'],
    ['1', '1.1D', true, 'class 1 covers every division and compatibility group'],
    ['1.4', '1.4S', true, 'a division covers its compatibility groups'],
  ])('scope %s covers %s: %s (%s)', (scope, cls, covered) => {
    expect(classCovers(scope, cls)).toBe(covered);
  });

  it('covers no chemical without a class, and an empty scope covers nothing', () => {
    expect(classCovers('3', null)).toBe(false);
    expect(classCovers('', '3')).toBe(false);
  });

  it('applies a zone with no classes to every load, else when any class covers any load class', () => {
    expect(zoneCoversLoad([], ['3'])).toBe(true);
    expect(zoneCoversLoad(['8', '2'], ['3', ' 2.1 '])).toBe(true);
    expect(zoneCoversLoad(['1.1'], ['1.1d'])).toBe(true);
    expect(zoneCoversLoad(['8'], ['3'])).toBe(false);
    expect(zoneCoversLoad(['8'], [])).toBe(false);
  });
});
