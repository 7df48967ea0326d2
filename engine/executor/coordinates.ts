// `coordinates_system: "parent"`: moves detections found anywhere in a value into root-image coordinates.
import { Detections, isDetections } from '../detections.ts';
import { isBatch } from '../batch.ts';

type Pair = [number, number];

function toRoot(det: Detections): Detections {
  const n = det.length;
  const rootCoords = det.column<Pair>('root_parent_coordinates');
  const rootIds = det.column<string>('root_parent_id');
  if (!rootCoords || n === 0) return det;
  const moved = rootCoords.some(
    (c, i) => (c && (c[0] !== 0 || c[1] !== 0)) || (rootIds && rootIds[i] !== det.get('parent_id', i)),
  );
  if (!moved) return det;
  const rootDims = det.column<Pair>('root_parent_dimensions');
  const xyxy = new Float32Array(det.xyxy);
  for (let i = 0; i < n; i++) {
    const [dx, dy] = rootCoords[i] ?? [0, 0];
    xyxy[i * 4] += dx;
    xyxy[i * 4 + 1] += dy;
    xyxy[i * 4 + 2] += dx;
    xyxy[i * 4 + 3] += dy;
  }
  const data: Record<string, unknown[]> = {};
  const zero = () => Array.from({ length: n }, () => [0, 0]);
  if (rootIds) data.parent_id = [...rootIds];
  data.parent_coordinates = zero();
  data.root_parent_coordinates = zero();
  if (rootDims) {
    data.parent_dimensions = rootDims.map((d) => d && [...d]);
    data.image_dimensions = rootDims.map((d) => d && [...d]);
  }
  const keypoints = det.column<number[][]>('keypoints_xy');
  if (keypoints) {
    data.keypoints_xy = keypoints.map((points, i) => {
      const [dx, dy] = rootCoords[i] ?? [0, 0];
      return (points ?? []).map(([x, y]) => [x! + dx, y! + dy]);
    });
  }
  let masks = det.masks;
  let maskShape = det.maskShape;
  if (masks && maskShape && rootDims?.[0]) {
    const [rh, rw] = rootDims[0];
    const [mh, mw] = maskShape;
    masks = masks.map((mask, i) => {
      const [dx, dy] = (rootCoords[i] ?? [0, 0]).map(Math.round) as Pair;
      const out = new Uint8Array(rh * rw);
      for (let y = 0; y < mh; y++) {
        const ty = y + dy;
        if (ty < 0 || ty >= rh) continue;
        for (let x = 0; x < mw; x++) {
          const tx = x + dx;
          if (tx >= 0 && tx < rw && mask[y * mw + x]) out[ty * rw + tx] = 1;
        }
      }
      return out;
    });
    maskShape = [rh, rw];
  }
  return det.with({ xyxy, data, masks, maskShape });
}

/** Converts every Detections inside (dicts, lists, Batches) to root coordinates. */
export function toRootCoordinates(value: unknown): unknown {
  if (isDetections(value)) return toRoot(value);
  if (Array.isArray(value)) return value.map(toRootCoordinates);
  if (isBatch(value)) return value.map((v) => toRootCoordinates(v));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRootCoordinates(v)]));
  }
  return value;
}
