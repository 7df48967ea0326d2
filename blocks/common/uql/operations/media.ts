// Operations on images, their video metadata, and classification results.
import { isWorkflowImage, type WorkflowImage } from '../../../../engine/index.ts';
import type { EvaluationContext, OperationFn } from '../types.ts';
import { invalidInput } from '../errors.ts';
import { isPlainObject } from '../python.ts';

function requireImage(value: unknown, name: string, ctx: EvaluationContext): WorkflowImage {
  if (!isWorkflowImage(value)) throw invalidInput(name, 'image', value, ctx);
  return value;
}

// The source's size when the image was decoded smaller (decode-to-size): the picture, not its buffer.
const widthOf = (image: WorkflowImage) => image.sourceSize?.width ?? image.width;
const heightOf = (image: WorkflowImage) => image.sourceSize?.height ?? image.height;

const IMAGE_PROPERTIES: Record<string, (image: WorkflowImage) => number> = {
  size: (image) => widthOf(image) * heightOf(image),
  height: heightOf,
  width: widthOf,
  aspect_ratio: (image) => (heightOf(image) === 0 ? 0 : widthOf(image) / heightOf(image)),
};

type ClassificationResult = Record<string, unknown>;
type MultiLabelEntry = { confidence: number; class_id: number };

function multiLabelEntries(prediction: ClassificationResult): Array<[string, MultiLabelEntry]> {
  return Object.entries(prediction.predictions as Record<string, MultiLabelEntry>).sort(
    (a, b) => a[1].class_id - b[1].class_id,
  );
}

const CLASSIFICATION_PROPERTIES: Record<string, (p: ClassificationResult) => unknown> = {
  top_class: (p) => ('top' in p ? p.top : (p.predicted_classes ?? [])),
  top_class_confidence: (p) => {
    if ('confidence' in p) return p.confidence;
    const predictions = p.predictions as Record<string, MultiLabelEntry>;
    return ((p.predicted_classes ?? []) as string[]).map((name) => predictions[name]?.confidence);
  },
  all_classes: (p) =>
    Array.isArray(p.predictions)
      ? (p.predictions as Array<Record<string, unknown>>).map((x) => x.class)
      : multiLabelEntries(p).map(([name]) => name),
  all_confidences: (p) =>
    Array.isArray(p.predictions)
      ? (p.predictions as Array<Record<string, unknown>>).map((x) => x.confidence)
      : multiLabelEntries(p).map(([, entry]) => entry.confidence),
};

const FRAME_PROPERTIES = [
  'frame_number',
  'frame_timestamp',
  'seconds_since_start',
  'video_identifier',
  'fps',
  'measured_fps',
  'comes_from_video_file',
];

export const mediaOperations: Record<string, OperationFn> = {
  ExtractImageProperty(value, op, ctx) {
    const image = requireImage(value, 'extract_image_property', ctx);
    const extractor = IMAGE_PROPERTIES[String(op.property_name)];
    if (!extractor)
      throw invalidInput(
        'extract_image_property',
        `property_name in ${Object.keys(IMAGE_PROPERTIES).join('/')}`,
        op.property_name,
        ctx,
      );
    return extractor(image);
  },
  ExtractFrameMetadata(value, op, ctx) {
    const image = requireImage(value, 'extract_frame_metadata', ctx);
    const name = String(op.property_name);
    if (!FRAME_PROPERTIES.includes(name))
      throw invalidInput('extract_frame_metadata', `property_name in ${FRAME_PROPERTIES.join('/')}`, name, ctx);
    const meta = image.videoMetadata;
    const frameNumber = meta?.frame_number ?? 0;
    const fps = meta?.fps ?? 30;
    switch (name) {
      case 'frame_number':
        return frameNumber;
      case 'frame_timestamp':
        return meta?.frame_timestamp ?? null;
      case 'seconds_since_start':
        return fps ? frameNumber / fps : 0;
      case 'video_identifier':
        return meta?.video_identifier ?? image.parentId;
      case 'fps':
        return fps;
      case 'measured_fps':
        return meta?.measured_fps ?? null;
      default:
        return meta?.comes_from_video_file ?? null;
    }
  },
  async ConvertImageToJPEG(value, op, ctx) {
    const image = requireImage(value, 'encode_image_to_jpeg', ctx);
    const quality = Number(op.compression_level ?? 95);
    if (!(quality >= 1 && quality <= 100))
      throw invalidInput('encode_image_to_jpeg', 'compression_level in [1, 100]', quality, ctx);
    return quality === 95 ? image.toJpeg() : image.toSharp().jpeg({ quality }).toBuffer();
  },
  ConvertImageToBase64(value, _op, ctx) {
    return requireImage(value, 'encode_image_to_base64', ctx).toBase64();
  },
  ClassificationPropertyExtract(value, op, ctx) {
    if (!isPlainObject(value) || !('predictions' in value))
      throw invalidInput('extract_classification_property', 'classification results object', value, ctx);
    const extractor = CLASSIFICATION_PROPERTIES[String(op.property_name)];
    if (!extractor)
      throw invalidInput(
        'extract_classification_property',
        `property_name in ${Object.keys(CLASSIFICATION_PROPERTIES).join('/')}`,
        op.property_name,
        ctx,
      );
    return extractor(value);
  },
};
