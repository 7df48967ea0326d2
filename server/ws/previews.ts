// Step output previews for the run channel: a compact, renderable form of what a step produced, per batch element.
// Images become small JPEGs, detections boxes/classes/confidences (+ keypoints), lists their length and first
// items, scalars their value; anything else a cut JSON text. Never a full serialization.
import { Detections, WorkflowImage, largestContour, parseIndexKey, type StepOutputs } from '../../engine/index.ts';
import type { ElementPreview, StepPreview, ValuePreview } from '../../client/run-channel.ts';

export interface PreviewOptions {
  /** Longest side of image thumbnails, pixels. */
  maxSide: number;
  /** Batch elements previewed per step (crops of a crowded image can be hundreds). */
  maxElements: number;
  /** Items of a list previewed. */
  maxItems: number;
  /** Characters of text/JSON kept. */
  maxText: number;
}

export type { ElementPreview, StepPreview, ValuePreview };

export const DEFAULT_PREVIEW_OPTIONS: PreviewOptions = { maxSide: 320, maxElements: 64, maxItems: 8, maxText: 2000 };

const thumbnails = new WeakMap<WorkflowImage, Promise<string>>();

function thumbnail(image: WorkflowImage, maxSide: number): Promise<string> {
  let jpeg = thumbnails.get(image);
  if (!jpeg) {
    const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
    jpeg = image
      .toSharp()
      .resize(Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)))
      .jpeg({ quality: 70 })
      .toBuffer()
      .then((b) => b.toString('base64'));
    thumbnails.set(image, jpeg);
  }
  return jpeg;
}

const round = (v: number) => Math.round(v * 10) / 10;

const MASK_POINTS = 96;

/** A mask's largest outline, thinned to MASK_POINTS points and scaled to the image the boxes belong to. */
function outline(mask: Uint8Array, [h, w]: readonly [number, number], dims: [number, number] | null): number[] {
  const points = largestContour(mask, w, h);
  const n = points.length / 2;
  const step = Math.max(1, Math.ceil(n / MASK_POINTS));
  const sx = dims ? dims[1] / w : 1;
  const sy = dims ? dims[0] / h : 1;
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(round(points[2 * i]! * sx), round(points[2 * i + 1]! * sy));
  return out;
}

function detectionsPreview(d: Detections): ValuePreview {
  const dims = d.column<[number, number]>('image_dimensions')?.[0] ?? null;
  const names = d.column<string>('class_name');
  const keypoints = d.column<Array<[number, number]>>('keypoints_xy');
  const preview: ValuePreview = {
    type: 'detections',
    count: d.length,
    image_dimensions: Array.isArray(dims) ? [Number(dims[0]), Number(dims[1])] : null,
    boxes: Array.from({ length: d.length }, (_, i) => d.box(i).map(round) as [number, number, number, number]),
    classes: Array.from({ length: d.length }, (_, i) => String(names?.[i] ?? d.classId[i])),
    confidences: Array.from(d.confidence, (c) => Math.round(c * 1000) / 1000),
  };
  if (d.masks && d.maskShape) preview.masks = d.masks.map((m) => outline(m, d.maskShape!, preview.image_dimensions));
  if (keypoints)
    preview.keypoints = keypoints.map((k) => (Array.isArray(k) ? k.map(([x, y]) => [round(x), round(y)]) : []));
  return preview;
}

function jsonText(value: unknown, maxText: number): ValuePreview {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v) =>
        ArrayBuffer.isView(v) ? `<${v.constructor.name} of ${(v as Uint8Array).length}>` : v,
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  return { type: 'json', text: text.slice(0, maxText), truncated: text.length > maxText };
}

export async function previewValue(value: unknown, options: PreviewOptions, depth = 0): Promise<ValuePreview> {
  if (value instanceof WorkflowImage)
    return {
      type: 'image',
      width: value.width,
      height: value.height,
      jpeg: await thumbnail(value, options.maxSide),
      parent_id: value.parentId,
    };
  if (value instanceof Detections) return detectionsPreview(value);
  if (value === null || value === undefined) return { type: 'scalar', value: null };
  if (typeof value === 'string')
    return value.length > options.maxText
      ? { type: 'scalar', value: value.slice(0, options.maxText), truncated: true }
      : { type: 'scalar', value };
  if (typeof value === 'number' || typeof value === 'boolean') return { type: 'scalar', value };
  if (Array.isArray(value) && depth < 2) {
    const items = await Promise.all(value.slice(0, options.maxItems).map((v) => previewValue(v, options, depth + 1)));
    return { type: 'list', length: value.length, items };
  }
  return jsonText(value, options.maxText);
}

export async function previewStep(
  outputs: ReadonlyMap<string, StepOutputs>,
  options: PreviewOptions = DEFAULT_PREVIEW_OPTIONS,
): Promise<StepPreview> {
  const entries = [...outputs].slice(0, options.maxElements);
  const elements = await Promise.all(
    entries.map(async ([key, values]) => {
      const previews: Record<string, ValuePreview> = {};
      for (const [name, value] of Object.entries(values)) previews[name] = await previewValue(value, options);
      return { index: parseIndexKey(key), outputs: previews };
    }),
  );
  return { elements, omitted: Math.max(0, outputs.size - entries.length) };
}
