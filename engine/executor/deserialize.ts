// Per-kind deserialization of batch inputs (docs/roboflow-compatibility.md#runtime-inputs): images, detections payloads and simple scalars.
import { decodeRle, type CocoRle } from '../rle.ts';
import { RLE_MASK_COLUMN } from '../serialize.ts';
import { Detections, isDetections } from '../detections.ts';
import { RuntimeInputError } from '../errors.ts';
import { DETECTIONS_VALUE_KINDS } from '../kinds.ts';
import type { ImageInputOptions } from '../api-types.ts';
import { loadImage } from './images.ts';

// Semantic segmentation is per-pixel, so its payload has no predictions list to rebuild Detections from.
const DETECTION_LIKE = [...DETECTIONS_VALUE_KINDS].filter((kind) => kind !== 'semantic_segmentation_prediction');

type Deserializer = (
  value: unknown,
  id: string,
  input: string,
  options: ImageInputOptions,
) => unknown | Promise<unknown>;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`expected ${what}`);
}

const scalar =
  (check: (v: unknown) => boolean, what: string): Deserializer =>
  (v) => {
    expect(check(v), what);
    return v;
  };

const DESERIALIZERS: Record<string, Deserializer> = {
  image: (v, id, input, options) => loadImage(v, id, input, options),
  float_zero_to_one: scalar((v) => isNumber(v) && v >= 0 && v <= 1, 'a number in [0, 1]'),
  float: scalar(isNumber, 'a number'),
  integer: scalar((v) => Number.isInteger(v), 'an integer'),
  boolean: scalar((v) => typeof v === 'boolean', 'a boolean'),
  string: scalar((v) => typeof v === 'string', 'a string'),
  dictionary: scalar((v) => !!v && typeof v === 'object' && !Array.isArray(v), 'a dict'),
  list_of_values: scalar(Array.isArray, 'a list'),
  video_metadata: scalar(
    (v) => !!v && typeof v === 'object' && typeof (v as Record<string, unknown>).video_identifier === 'string',
    'video metadata with video_identifier',
  ),
};
for (const kind of DETECTION_LIKE) DESERIALIZERS[kind] = (v) => deserializeDetections(v);

/** Tries each declared kind's deserializer in order; raw value when no kind has one. */
export async function deserializeInput(
  value: unknown,
  kinds: readonly string[],
  id: string,
  input: string,
  options: ImageInputOptions,
): Promise<unknown> {
  const errors: string[] = [];
  let anyDeserializer = false;
  for (const kind of kinds) {
    const fn = DESERIALIZERS[kind];
    if (!fn) continue;
    anyDeserializer = true;
    try {
      return await fn(value, id, input, options);
    } catch (error) {
      if (kind === 'image' && kinds.length === 1) throw error;
      errors.push(`${kind}: ${(error as Error).message}`);
    }
  }
  if (!anyDeserializer) return value;
  throw new RuntimeInputError(
    `Input '${input}' could not be deserialized as any of its declared kinds (${errors.join('; ')})`,
    {
      context: 'workflow_execution | runtime_input_assembly',
    },
  );
}

/** Rebuilds Detections from Roboflow's serialized payload `{image, predictions}` (or a bare predictions list). */
export function deserializeDetections(value: unknown): Detections {
  if (isDetections(value)) return value;
  const payload = Array.isArray(value) ? { predictions: value } : (value as Record<string, unknown>);
  expect(!!payload && Array.isArray(payload.predictions), 'a detections payload {image, predictions: [...]}');
  const predictions = payload.predictions as Array<Record<string, unknown>>;
  const image = (payload.image ?? {}) as { width?: number; height?: number };
  const n = predictions.length;
  const xyxy = new Float32Array(n * 4);
  const confidence = new Float32Array(n);
  const classId = new Int32Array(n);
  const columns: Record<string, unknown[]> = {
    class_name: [],
    detection_id: [],
    parent_id: [],
    image_dimensions: [],
    root_parent_id: [],
    parent_coordinates: [],
    parent_dimensions: [],
    root_parent_coordinates: [],
    root_parent_dimensions: [],
  };
  const keypoints: Array<Array<Record<string, unknown>> | undefined> = [];
  const trackers: number[] = [];
  predictions.forEach((p, i) => {
    expect([p.x, p.y, p.width, p.height].every(isNumber), 'predictions with numeric x, y, width, height');
    const [x, y, w, h] = [p.x, p.y, p.width, p.height] as number[];
    xyxy.set([x! - w! / 2, y! - h! / 2, x! + w! / 2, y! + h! / 2], i * 4);
    confidence[i] = isNumber(p.confidence) ? p.confidence : 1;
    classId[i] = Number.isInteger(p.class_id) ? (p.class_id as number) : 0;
    const po = p.parent_origin as Record<string, number> | undefined;
    const ro = p.root_parent_origin as Record<string, number> | undefined;
    columns.class_name!.push(p.class ?? String(classId[i]));
    columns.detection_id!.push(p.detection_id ?? crypto.randomUUID());
    columns.parent_id!.push(p.parent_id ?? 'image');
    columns.root_parent_id!.push(p.root_parent_id ?? p.parent_id ?? 'image');
    columns.image_dimensions!.push([image.height ?? 0, image.width ?? 0]);
    columns.parent_coordinates!.push(po ? [po.offset_x, po.offset_y] : [0, 0]);
    columns.parent_dimensions!.push(po ? [po.height, po.width] : [image.height ?? 0, image.width ?? 0]);
    columns.root_parent_coordinates!.push(ro ? [ro.offset_x, ro.offset_y] : po ? [po.offset_x, po.offset_y] : [0, 0]);
    columns.root_parent_dimensions!.push(ro ? [ro.height, ro.width] : [image.height ?? 0, image.width ?? 0]);
    keypoints.push(Array.isArray(p.keypoints) ? (p.keypoints as Array<Record<string, unknown>>) : undefined);
    if (Number.isInteger(p.tracker_id)) trackers.push(p.tracker_id as number);
  });
  if (keypoints.some((k) => k)) {
    columns.keypoints_xy = keypoints.map((k) => (k ?? []).map((kp) => [kp.x, kp.y]));
    columns.keypoints_class_id = keypoints.map((k) => (k ?? []).map((kp) => kp.class_id));
    columns.keypoints_class_name = keypoints.map((k) => (k ?? []).map((kp) => kp.class));
    columns.keypoints_confidence = keypoints.map((k) => (k ?? []).map((kp) => kp.confidence));
  }
  const trackerId = trackers.length === n && n > 0 ? Int32Array.from(trackers) : null;
  const rle = rleMasks(predictions);
  if (rle) columns[RLE_MASK_COLUMN] = predictions.map((p) => p.rle_mask);
  return new Detections(xyxy, confidence, classId, columns, rle?.masks ?? null, rle?.shape ?? null, trackerId);
}

/** Dense masks from the RLE payload (rle_mask on every prediction, all of one size), else null. */
function rleMasks(
  predictions: Array<Record<string, unknown>>,
): { masks: Uint8Array[]; shape: [number, number] } | null {
  if (predictions.length === 0 || !predictions.every((p) => p.rle_mask && typeof p.rle_mask === 'object')) return null;
  const sizes = predictions.map((p) => (p.rle_mask as { size?: unknown }).size);
  expect(
    sizes.every((size) => Array.isArray(size) && size.length === 2 && size.every(isNumber)),
    'rle_mask.size as [height, width]',
  );
  const [height, width] = sizes[0] as [number, number];
  expect(
    sizes.every((size) => (size as number[])[0] === height && (size as number[])[1] === width),
    'every rle_mask of one size',
  );
  return { masks: predictions.map((p) => decodeRle(p.rle_mask as CocoRle)), shape: [height, width] };
}
