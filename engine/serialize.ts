// Serialization of output values for the wire (docs/roboflow-compatibility.md#serialization), dispatched on the output's kinds.
import { Detections, isDetections } from './detections.ts';
import { WorkflowImage, isWorkflowImage, type VideoMetadata } from './image.ts';
import { isBatch } from './batch.ts';
import { ExecutionEngineRuntimeError } from './errors.ts';
import { DETECTIONS_VALUE_KINDS } from './kinds.ts';
import { boundedLargestContour } from './mask-contour.ts';
import { encodeRle, type CocoRle } from './rle.ts';

/**
 * Per-detection data columns copied into serialized predictions, in this order: `data`, then the columns blocks
 * declare in their manifest (`detectionColumns`, registered by defineBlock), e.g. velocity's `speed`.
 */
const PREDICTION_COLUMNS: string[] = ['data'];

export function registerPredictionColumns(columns: readonly string[]): void {
  for (const column of columns) if (!PREDICTION_COLUMNS.includes(column)) PREDICTION_COLUMNS.push(column);
}

type Pair = [number, number];
/** Kinds whose values are lists themselves (other lists are deeper-dimensional outputs, serialized per element). */
const LIST_KINDS = new Set([
  '*',
  'list_of_values',
  'zone',
  'point',
  'numpy_array',
  'serialised_payloads',
  'labeled_points',
  'contours',
  'embedding',
  'rgb_color',
  'tensor',
  'image_keypoints',
]);

/** float32 → the shortest decimal that reads back as the same float32 (0.81, not 0.8100000023841858). */
const f32 = (v: number) => (Number.isInteger(v) ? v : Number(Math.fround(v).toPrecision(7)));

function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function origin(coords: Pair | undefined, dims: Pair | undefined) {
  return { offset_x: coords?.[0] ?? 0, offset_y: coords?.[1] ?? 0, width: dims?.[1] ?? 0, height: dims?.[0] ?? 0 };
}

/** Column carrying each detection's COCO RLE; its presence asks for the RLE payload (rle_instance_segmentation_prediction). */
export const RLE_MASK_COLUMN = 'rle_mask';

function isCocoRle(value: unknown): value is CocoRle {
  const v = value as CocoRle | null;
  return !!v && typeof v === 'object' && Array.isArray(v.size) && v.size.length === 2 && typeof v.counts === 'string';
}

/** Encoded from the dense mask when there is one (blocks may have changed masks since), else the stored RLE. */
function rleOf(detections: Detections, i: number): CocoRle | undefined {
  const shape = detections.maskShape;
  if (detections.masks && shape) return encodeRle(detections.masks[i]!, shape[0], shape[1]);
  const stored = detections.get<unknown>(RLE_MASK_COLUMN, i);
  return isCocoRle(stored) ? stored : undefined;
}

export interface SerializeDetectionsOptions {
  /** `rle`: predictions carry `rle_mask: {size, counts}` instead of polygon `points` (docs/roboflow-compatibility.md#serialization). */
  maskFormat?: 'polygon' | 'rle';
}

/** Roboflow's detections payload `{image: {width, height}, predictions: [...]}` (docs/roboflow-compatibility.md#serialization). */
export function serializeDetections(
  detections: Detections,
  options: SerializeDetectionsOptions = {},
): { image: { width: number | null; height: number | null }; predictions: Array<Record<string, unknown>> } {
  const rle = options.maskFormat === 'rle';
  const n = detections.length;
  const dims = detections.get<Pair>('image_dimensions', 0);
  const image = n > 0 && dims ? { width: dims[1], height: dims[0] } : { width: null, height: null };
  const predictions: Array<Record<string, unknown>> = [];
  const [mh, mw] = detections.maskShape ?? [0, 0];
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = detections.box(i);
    const w = x2 - x1;
    const h = y2 - y1;
    const p: Record<string, unknown> = {
      width: f32(w),
      height: f32(h),
      x: f32(x1 + w / 2),
      y: f32(y1 + h / 2),
      confidence: f32(detections.confidence[i]!),
      class_id: detections.classId[i]!,
    };
    if (rle) {
      const mask = rleOf(detections, i);
      if (mask) p.rle_mask = mask;
    } else if (detections.masks) {
      const contour = boundedLargestContour(detections.masks[i]!, mw, mh);
      if (contour.length === 0) continue;
      const points: Array<{ x: number; y: number }> = [];
      for (let k = 0; k < contour.length; k += 2) points.push({ x: contour[k]!, y: contour[k + 1]! });
      p.points = points;
    }
    if (detections.trackerId) p.tracker_id = detections.trackerId[i]!;
    p.class = detections.get('class_name', i) ?? String(detections.classId[i]);
    const detectionId = detections.get('detection_id', i);
    if (detectionId !== undefined) p.detection_id = detectionId;
    const parentId = detections.get<string>('parent_id', i);
    if (parentId !== undefined) p.parent_id = parentId;
    const rootId = detections.get<string>('root_parent_id', i);
    if (parentId !== undefined && rootId !== undefined && rootId !== parentId) {
      p.parent_origin = origin(
        detections.get<Pair>('parent_coordinates', i),
        detections.get<Pair>('parent_dimensions', i),
      );
      p.root_parent_id = rootId;
      p.root_parent_origin = origin(
        detections.get<Pair>('root_parent_coordinates', i),
        detections.get<Pair>('root_parent_dimensions', i),
      );
    }
    const kpXy = detections.get<number[][]>('keypoints_xy', i);
    if (kpXy) {
      const ids = detections.get<number[]>('keypoints_class_id', i) ?? [];
      const names = detections.get<string[]>('keypoints_class_name', i) ?? [];
      const conf = detections.get<number[]>('keypoints_confidence', i) ?? [];
      p.keypoints = kpXy.map(([x, y], k) => ({
        class_id: ids[k] ?? k,
        class: names[k] ?? String(k),
        confidence: f32(conf[k] ?? 0),
        x: f32(x!),
        y: f32(y!),
      }));
    }
    for (const column of PREDICTION_COLUMNS) {
      const value = detections.get(column, i);
      if (value !== undefined && value !== null) p[column] = typeof value === 'number' ? f32(value) : plain(value);
    }
    predictions.push(p);
  }
  return { image, predictions };
}

function videoMetadata(image: WorkflowImage): VideoMetadata {
  const meta = image.videoMetadata;
  return {
    video_identifier: meta?.video_identifier ?? image.parentId,
    frame_number: meta?.frame_number ?? 0,
    frame_timestamp: meta?.frame_timestamp ?? new Date().toISOString(),
    fps: meta?.fps ?? 30,
    measured_fps: meta?.measured_fps ?? null,
    comes_from_video_file: meta?.comes_from_video_file ?? null,
  };
}

/** `{type: "base64", value, video_metadata, parent_id?, parent_origin?, root_parent_id?, root_parent_origin?}` */
export async function serializeImage(image: WorkflowImage): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    type: 'base64',
    value: await image.toBase64(),
    video_metadata: videoMetadata(image),
  };
  if (image.isDerived) {
    out.parent_id = image.parentId;
    out.parent_origin = { ...image.parentOrigin };
    out.root_parent_id = image.rootParentId;
    out.root_parent_origin = { ...image.rootOrigin };
  }
  return out;
}

function maskSecret(value: string): string {
  return value.length < 8 ? '********' : `${value.slice(0, 2)}********${value.slice(-2)}`;
}

/** Images, detections and dates serialized wherever they are; everything else walked or kept. */
async function serializeAny(value: unknown): Promise<unknown> {
  if (value === null || value === undefined) return null;
  if (isWorkflowImage(value)) return serializeImage(value);
  if (isDetections(value)) return serializeDetections(value);
  if (value instanceof Date) return value.toISOString();
  if (isBatch(value)) return Promise.all(value.values.map(serializeAny));
  if (ArrayBuffer.isView(value))
    return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : plain(value);
  if (Array.isArray(value)) return Promise.all(value.map(serializeAny));
  if (typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await serializeAny(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

type KindSerializer = (value: unknown) => Promise<unknown> | unknown;
const NOT_APPLICABLE = Symbol('not applicable');

const SERIALIZERS: Record<string, KindSerializer> = {
  image: (v) => (isWorkflowImage(v) ? serializeImage(v) : NOT_APPLICABLE),
  video_metadata: (v) => (v && typeof v === 'object' ? v : NOT_APPLICABLE),
  secret: (v) => (typeof v === 'string' ? maskSecret(v) : NOT_APPLICABLE),
  timestamp: (v) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : NOT_APPLICABLE),
  '*': serializeAny,
};
for (const kind of DETECTIONS_VALUE_KINDS)
  SERIALIZERS[kind] = (v) => (isDetections(v) ? serializeDetections(v) : NOT_APPLICABLE);
// RLE payload for detections that carry the rle_mask column (e.g. instance segmentation v4 with mask_format rle);
// other detections under this kind keep the polygon payload.
SERIALIZERS.rle_instance_segmentation_prediction = (v) =>
  isDetections(v)
    ? serializeDetections(v, { maskFormat: RLE_MASK_COLUMN in v.data ? 'rle' : 'polygon' })
    : NOT_APPLICABLE;

/**
 * A kind declared outside the engine (by the block that outputs it) says how its values serialize: `generic` walks
 * the value (images, detections and dates inside are serialized); `listValued` means a list is one value of the
 * kind, not a deeper-dimensional output to serialize element by element.
 */
export function registerKindSerializer(
  kind: string,
  serializer: KindSerializer | 'generic',
  options: { listValued?: boolean } = {},
): void {
  SERIALIZERS[kind] = serializer === 'generic' ? serializeAny : serializer;
  if (options.listValued) LIST_KINDS.add(kind);
}

/** Serialize any output value given its kinds (docs/roboflow-compatibility.md#serialization). */
export async function serializeValue(value: unknown, kinds: readonly string[]): Promise<unknown> {
  if (value === null || value === undefined) return null;
  // Lists of values (deeper-dimensional outputs) serialize element-wise with the same kinds.
  if (Array.isArray(value) && !kinds.some((k) => LIST_KINDS.has(k)))
    return Promise.all(value.map((v) => serializeValue(v, kinds)));
  let allHaveSerializers = kinds.length > 0;
  for (const kind of kinds) {
    const serializer = SERIALIZERS[kind];
    if (!serializer) {
      allHaveSerializers = false;
      continue;
    }
    const out = await serializer(value);
    if (out !== NOT_APPLICABLE) return out;
  }
  if (allHaveSerializers) {
    throw new ExecutionEngineRuntimeError(
      `Requested Workflow output serialization, but for a value of kinds [${kinds.join(', ')}] none of the registered serializers applies`,
      { context: 'workflow_execution | output_construction' },
    );
  }
  return serializeAny(value);
}

/** Serializes one output (a dict of kinds for `$steps.x.*` wildcard outputs). */
export async function serializeOutput(
  value: unknown,
  kinds: readonly string[] | Record<string, string[]>,
): Promise<unknown> {
  if (Array.isArray(kinds)) return serializeValue(value, kinds);
  if (Array.isArray(value)) return Promise.all(value.map((v) => serializeOutput(v, kinds)));
  if (!value || typeof value !== 'object') return value ?? null;
  const entries = await Promise.all(
    Object.entries(value).map(
      async ([k, v]) => [k, await serializeValue(v, (kinds as Record<string, string[]>)[k] ?? ['*'])] as const,
    ),
  );
  return Object.fromEntries(entries);
}
