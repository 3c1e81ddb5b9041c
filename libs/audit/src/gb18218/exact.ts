/**
 * Exact rational arithmetic for GB 18218's sums (formulae 1 and 2). Every input of the method is a
 * finite decimal (kilograms with up to 3 decimals, Q and β as printed, α from Table 5), so every
 * q/Q, S and R is an exact fraction of two bigints and every bound (S ≥ 1, q ≥ Q, Table 6's 100,
 * 50 and 10) is decided exactly: a unit whose terms sum to exactly 1 is a major hazard source
 * whatever the order of its items (§4.2.1 「等于或超过」). Floating point is used only for display.
 */
export class Rational {
  private constructor(
    readonly num: bigint,
    /** Always > 0; the fraction is kept reduced. */
    readonly den: bigint,
  ) {}

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  static of(num: bigint, den = 1n): Rational {
    if (den === 0n) throw new RangeError('division by zero');
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num < 0n ? -num : num, den);
    return g > 1n ? new Rational(num / g, den / g) : new Rational(num, den);
  }

  /**
   * The exact value of a decimal written as a string ("4.999", "-0.5", "1e3") or of a number, read
   * through its shortest round-trip decimal (0.1 is 1/10, not the binary double nearest to it).
   */
  static from(x: number | string | Rational): Rational {
    if (x instanceof Rational) return x;
    if (typeof x === 'string') {
      // The printed constants (Q, β, α) recur in every term: read each once.
      const known = CONSTANTS.get(x);
      if (known) return known;
      const r = Rational.parse(x);
      if (CONSTANTS.size < 4096) CONSTANTS.set(x, r);
      return r;
    }
    return Rational.parse(x);
  }

  private static parse(x: number | string): Rational {
    if (typeof x === 'number' && !Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    const s = String(x).trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal: ${s}`);
    const [, sign, int, frac = '', exp = '0'] = m;
    let num = BigInt(`${int || '0'}${frac}`);
    let den = 10n ** BigInt(frac.length);
    const e = Number(exp);
    if (e > 0) num *= 10n ** BigInt(e);
    else if (e < 0) den *= 10n ** BigInt(-e);
    return Rational.of(sign === '-' ? -num : num, den);
  }

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('division by zero');
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  cmp(o: Rational): -1 | 0 | 1 {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  gte(o: Rational | number | string): boolean {
    return this.cmp(Rational.from(o)) >= 0;
  }
  isPositive(): boolean {
    return this.num > 0n;
  }

  /**
   * Σ xs over the least common denominator, reduced once at the end: a unit's terms share a few
   * critical quantities, so the common denominator stays small, where adding pairwise and reducing
   * each time ran gcd over ever longer numbers (a city audit's 20 000 sums of 50 terms).
   */
  static sum(xs: Rational[]): Rational {
    let num = 0n;
    let den = 1n;
    for (const x of xs) {
      if (x.den === den) {
        num += x.num;
        continue;
      }
      const g = gcd(den, x.den);
      const scale = x.den / g;
      num = num * scale + x.num * (den / g);
      den *= scale;
    }
    return Rational.of(num, den);
  }

  /** The nearest double (for display and JSON numbers), read from 20 significant digits. */
  toNumber(): number {
    // Both parts exact as doubles: IEEE division is correctly rounded, the same nearest double.
    if (this.den <= SAFE && this.num <= SAFE && this.num >= -SAFE) return Number(this.num) / Number(this.den);
    return Number(this.toDecimal(20));
  }

  /** A terminating decimal exactly ("1.2"); otherwise the reduced fraction ("1/3"). Never rounded. */
  toExact(): string {
    let d = this.den;
    let twos = 0;
    let fives = 0;
    while (d % 2n === 0n) {
      d /= 2n;
      twos++;
    }
    while (d % 5n === 0n) {
      d /= 5n;
      fives++;
    }
    if (d !== 1n) return `${this.num}/${this.den}`;
    return this.toDecimal(Math.max(twos, fives), false);
  }

  /** Decimal with at most `places` decimals, half away from zero; trailing zeros trimmed. */
  toDecimal(places: number, trim = true): string {
    const neg = this.num < 0n;
    const abs = neg ? -this.num : this.num;
    const scale = 10n ** BigInt(places);
    const scaled = (abs * scale * 2n + this.den) / (this.den * 2n);
    const int = scaled / scale;
    let frac = places > 0 ? (scaled % scale).toString().padStart(places, '0') : '';
    if (trim) frac = frac.replace(/0+$/, '');
    const out = frac ? `${int}.${frac}` : `${int}`;
    return neg && scaled !== 0n ? `-${out}` : out;
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const CONSTANTS = new Map<string, Rational>();

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}
