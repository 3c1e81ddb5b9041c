import { UN_CLASS_PATTERN } from './chemical.dto.js';

// ADR 2.2.1.1.6: compatibility groups belong to the divisions of class 1 only.
describe('UN_CLASS_PATTERN', () => {
  it.each(['1', '3', '9', '2.3', '4.1', '6.1', '1.1', '1.1A', '1.1D', '1.3C', '1.4S', '1.6N'])('accepts %s', (cls) => {
    expect(UN_CLASS_PATTERN.test(cls)).toBe(true);
  });

  it.each(['4.1D', '2.3A', '3A', '1D', '1.7', '7.1', '10', '1.1I', '1.1DD', ''])('refuses %s', (cls) => {
    expect(UN_CLASS_PATTERN.test(cls)).toBe(false);
  });
});
