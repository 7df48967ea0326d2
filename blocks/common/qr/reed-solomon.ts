// Reed-Solomon over GF(256) with QR's primitive polynomial x^8+x^4+x^3+x^2+1 (0x11D) and generator roots
// α^0..α^(n-1). Codewords are written highest-degree coefficient first, as they sit in a QR block.

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  // Doubled so products of two logs index without a modulo.
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(256)');
  return a === 0 ? 0 : EXP[LOG[a]! + 255 - LOG[b]!]!;
}

export function gfPow(exponent: number): number {
  return EXP[((exponent % 255) + 255) % 255]!;
}

/** Evaluates a polynomial given lowest-degree coefficient first. */
function evalLowFirst(poly: ArrayLike<number>, x: number): number {
  let y = 0;
  for (let i = poly.length - 1; i >= 0; i--) y = gfMul(y, x) ^ poly[i]!;
  return y;
}

const generators = new Map<number, Uint8Array>();

/** Generator polynomial ∏(x - α^i), i < degree, highest-degree first without the leading 1. */
function generator(degree: number): Uint8Array {
  let g = generators.get(degree);
  if (g) return g;
  const coefs = new Uint8Array(degree);
  coefs[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      coefs[j] = gfMul(coefs[j]!, root);
      if (j + 1 < degree) coefs[j]! ^= coefs[j + 1]!;
    }
    root = gfMul(root, 2);
  }
  g = coefs;
  generators.set(degree, g);
  return g;
}

/** The `ecLength` error-correction codewords for `data` (remainder of data·x^n divided by the generator). */
export function rsEncode(data: ArrayLike<number>, ecLength: number): Uint8Array {
  const g = generator(ecLength);
  const remainder = new Uint8Array(ecLength);
  for (let i = 0; i < data.length; i++) {
    const factor = data[i]! ^ remainder[0]!;
    remainder.copyWithin(0, 1);
    remainder[ecLength - 1] = 0;
    for (let j = 0; j < ecLength; j++) remainder[j]! ^= gfMul(g[j]!, factor);
  }
  return remainder;
}

/**
 * Corrects `block` (data then `ecLength` EC codewords) in place: syndromes, Berlekamp-Massey for the error
 * locator, Chien search for positions, Forney for magnitudes. Returns the number of corrected codewords, or
 * -1 when the errors exceed what the code can fix.
 */
export function rsCorrect(block: Uint8Array, ecLength: number): number {
  const n = block.length;
  const syndromes = new Uint8Array(ecLength);
  let clean = true;
  for (let j = 0; j < ecLength; j++) {
    const x = gfPow(j);
    let s = 0;
    for (let i = 0; i < n; i++) s = gfMul(s, x) ^ block[i]!;
    syndromes[j] = s;
    if (s !== 0) clean = false;
  }
  if (clean) return 0;

  // Berlekamp-Massey; polynomials lowest-degree first.
  let locator = [1];
  let previous = [1];
  let errors = 0;
  let shift = 1;
  let lastDiscrepancy = 1;
  for (let step = 0; step < ecLength; step++) {
    let discrepancy = syndromes[step]!;
    for (let i = 1; i <= errors; i++) discrepancy ^= gfMul(locator[i] ?? 0, syndromes[step - i]!);
    if (discrepancy === 0) {
      shift++;
      continue;
    }
    const scale = gfDiv(discrepancy, lastDiscrepancy);
    const updated = locator.slice();
    for (let i = 0; i < previous.length; i++) {
      while (updated.length <= i + shift) updated.push(0);
      updated[i + shift]! ^= gfMul(scale, previous[i]!);
    }
    if (2 * errors <= step) {
      previous = locator;
      errors = step + 1 - errors;
      lastDiscrepancy = discrepancy;
      shift = 1;
    } else {
      shift++;
    }
    locator = updated;
  }
  while (locator.length > 1 && locator[locator.length - 1] === 0) locator.pop();
  if (locator.length - 1 !== errors || 2 * errors > ecLength) return -1;

  // Chien search: an error at power p (array index n-1-p) makes Λ(α^-p) vanish.
  const powers: number[] = [];
  for (let p = 0; p < n; p++) if (evalLowFirst(locator, gfPow(-p)) === 0) powers.push(p);
  if (powers.length !== errors) return -1;

  // Forney with first consecutive root α^0: e = X·Ω(X⁻¹)/Λ'(X⁻¹), Ω = S·Λ mod x^ecLength.
  const omega = new Uint8Array(ecLength);
  for (let i = 0; i < ecLength; i++) {
    let v = 0;
    for (let j = 0; j <= i && j < locator.length; j++) v ^= gfMul(locator[j]!, syndromes[i - j]!);
    omega[i] = v;
  }
  const derivative = locator.map((c, i) => (i % 2 === 1 ? c : 0)).slice(1);
  for (const p of powers) {
    const x = gfPow(p);
    const xInverse = gfPow(-p);
    const denominator = evalLowFirst(derivative, xInverse);
    if (denominator === 0) return -1;
    block[n - 1 - p]! ^= gfMul(x, gfDiv(evalLowFirst(omega, xInverse), denominator));
  }
  return errors;
}
