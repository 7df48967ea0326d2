// QR detection in a photo: binarize, find finder patterns, try triples of them that form a right isosceles
// triangle, estimate the version from their spacing, locate the alignment pattern, sample the grid through a
// projective transform and decode. Tries the local binarization first and Otsu's when it finds nothing.
import { binarizeLocal, binarizeOtsu, toGray, type BinaryImage } from './binarize.ts';
import { findFinderPatterns, type FinderCandidate } from './finder.ts';
import { findAlignment, homographyFrom, project, sampleGrid, type Point } from './grid.ts';
import { decodeMatrix, readVersionInfo, type DecodedQr } from './matrix-decoder.ts';
import { MAX_VERSION, symbolSize } from './symbol.ts';

export interface DetectedQr extends DecodedQr {
  /** Symbol corners in pixels: top-left, top-right, bottom-right, bottom-left (as the code is read). */
  corners: [Point, Point, Point, Point];
}

interface Triple {
  topLeft: FinderCandidate;
  topRight: FinderCandidate;
  bottomLeft: FinderCandidate;
  /** Deviation from an ideal right isosceles triangle with equal module sizes (lower is better). */
  error: number;
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function orderTriple(a: FinderCandidate, b: FinderCandidate, c: FinderCandidate): Triple | null {
  const modules = [a.module, b.module, c.module];
  const moduleSpread = Math.max(...modules) / Math.min(...modules);
  if (moduleSpread > 1.6) return null;
  // The corner opposite the longest side is the top-left finder.
  const sides: Array<[number, FinderCandidate, FinderCandidate, FinderCandidate]> = [
    [distance(b, c), a, b, c],
    [distance(a, c), b, a, c],
    [distance(a, b), c, a, b],
  ];
  sides.sort((p, q) => q[0] - p[0]);
  const [hypotenuse, corner, p, q] = sides[0]!;
  const legP = distance(corner, p);
  const legQ = distance(corner, q);
  const legBalance = Math.abs(legP - legQ) / Math.max(legP, legQ);
  const rightness = Math.abs(hypotenuse / Math.hypot(legP, legQ) - 1);
  if (legBalance > 0.3 || rightness > 0.15) return null;
  const module = (a.module + b.module + c.module) / 3;
  const modulesAcross = (legP + legQ) / 2 / module + 7;
  if (modulesAcross < 21 - 4 || modulesAcross > symbolSize(MAX_VERSION) + 4) return null;
  // Image y grows downwards, so (topRight - topLeft) x (bottomLeft - topLeft) is positive.
  const cross = (p.x - corner.x) * (q.y - corner.y) - (p.y - corner.y) * (q.x - corner.x);
  const [topRight, bottomLeft] = cross > 0 ? [p, q] : [q, p];
  return { topLeft: corner, topRight, bottomLeft, error: legBalance + rightness + (moduleSpread - 1) };
}

function versionCandidates(triple: Triple): number[] {
  const module = (triple.topLeft.module + triple.topRight.module + triple.bottomLeft.module) / 3;
  const across =
    (distance(triple.topLeft, triple.topRight) + distance(triple.topLeft, triple.bottomLeft)) / 2 / module + 7;
  const estimate = Math.round((across - 17) / 4);
  return [estimate, estimate - 1, estimate + 1, estimate - 2, estimate + 2].filter((v) => v >= 1 && v <= MAX_VERSION);
}

function decodeAt(image: BinaryImage, triple: Triple, version: number): DetectedQr | null {
  const size = symbolSize(version);
  const { topLeft, topRight, bottomLeft } = triple;
  const span = size - 7;
  const ex = { x: (topRight.x - topLeft.x) / span, y: (topRight.y - topLeft.y) / span };
  const ey = { x: (bottomLeft.x - topLeft.x) / span, y: (bottomLeft.y - topLeft.y) / span };
  const src: Point[] = [
    { x: 3.5, y: 3.5 },
    { x: size - 3.5, y: 3.5 },
    { x: 3.5, y: size - 3.5 },
  ];
  const dst: Point[] = [topLeft, topRight, bottomLeft];
  let alignment: Point | null = null;
  if (version >= 2) {
    const along = size - 6.5 - 3.5;
    const expected = { x: topLeft.x + (ex.x + ey.x) * along, y: topLeft.y + (ex.y + ey.y) * along };
    alignment = findAlignment(image, expected, ex, ey, 4);
    if (alignment) {
      src.push({ x: size - 6.5, y: size - 6.5 });
      dst.push(alignment);
    }
  }
  if (!alignment) {
    src.push({ x: size - 3.5, y: size - 3.5 });
    dst.push({ x: topRight.x + bottomLeft.x - topLeft.x, y: topRight.y + bottomLeft.y - topLeft.y });
  }
  const h = homographyFrom(src, dst);
  if (!h) return null;
  const modules = sampleGrid(image, h, size);
  const decoded = decodeMatrix(modules, version);
  if (!decoded) {
    // From version 7 the symbol states its version; resample if the spacing estimate was off.
    const stated = version >= 7 ? readVersionInfo(modules, size) : null;
    return stated && stated !== version && stated <= MAX_VERSION ? decodeAt(image, triple, stated) : null;
  }
  const corners = [
    project(h, 0, 0),
    project(h, size, 0),
    project(h, size, size),
    project(h, 0, size),
  ] as DetectedQr['corners'];
  return { ...decoded, corners };
}

function detectIn(image: BinaryImage): DetectedQr[] {
  const finders = findFinderPatterns(image).sort((a, b) => b.count - a.count);
  const confirmed = finders.filter((f) => f.count >= 2);
  const pool = (confirmed.length >= 3 ? confirmed : finders).slice(0, 15);
  const triples: Triple[] = [];
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      for (let k = j + 1; k < pool.length; k++) {
        const triple = orderTriple(pool[i]!, pool[j]!, pool[k]!);
        if (triple) triples.push(triple);
      }
    }
  }
  triples.sort((a, b) => a.error - b.error);
  const used = new Set<FinderCandidate>();
  const found: DetectedQr[] = [];
  for (const triple of triples) {
    if (used.has(triple.topLeft) || used.has(triple.topRight) || used.has(triple.bottomLeft)) continue;
    for (const version of versionCandidates(triple)) {
      const result = decodeAt(image, triple, version);
      if (result) {
        found.push(result);
        used.add(triple.topLeft).add(triple.topRight).add(triple.bottomLeft);
        break;
      }
    }
  }
  return found;
}

/** Every QR code found in an RGB image. */
export function detectQrCodes(rgb: Uint8Array, width: number, height: number): DetectedQr[] {
  const gray = toGray(rgb, width, height);
  const local = detectIn(binarizeLocal(gray, width, height));
  if (local.length > 0) return local;
  return detectIn(binarizeOtsu(gray, width, height));
}
