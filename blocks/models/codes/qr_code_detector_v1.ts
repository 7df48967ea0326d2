// roboflow_core/qr_code_detector@v1: finds and decodes QR codes (versions 1-10) with Sightline's own detector.
// One detection per code: the box around its corners, class `qr_code`, confidence 1.0, and the decoded text in
// the `data` column.
import { randomUUID } from 'node:crypto';
import {
  Detections,
  defineBlock,
  imagesProperty,
  type Batch,
  type StepOutputs,
  type WorkflowImage,
} from '../../../engine/index.ts';
import { attachImageMetadata } from '../../common/detections-metadata.ts';
import { detectQrCodes } from '../../common/qr/detector.ts';

export function qrCodeDetections(image: WorkflowImage): Detections {
  const codes = detectQrCodes(image.pixels, image.width, image.height);
  const n = codes.length;
  const xyxy = new Float32Array(n * 4);
  codes.forEach((code, i) => {
    const xs = code.corners.map((p) => Math.min(image.width, Math.max(0, p.x)));
    const ys = code.corners.map((p) => Math.min(image.height, Math.max(0, p.y)));
    xyxy.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], i * 4);
  });
  const detections = new Detections(xyxy, new Float32Array(n).fill(1), new Int32Array(n), {
    class_name: codes.map(() => 'qr_code'),
    data: codes.map((code) => code.text),
  });
  return attachImageMetadata(detections, image, { inferenceId: randomUUID(), predictionType: 'qrcode-detection' });
}

export const qrCodeDetectorV1 = defineBlock<{ images: Batch<WorkflowImage> }>({
  manifest: {
    type: 'roboflow_core/qr_code_detector@v1',
    aliases: ['QRCodeDetector', 'QRCodeDetection'],
    humanName: 'QR Code Detection',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'Detect and read QR codes in an image.',
    longDescription:
      'Finds QR codes (versions 1-10, any error-correction level, slight rotation and perspective) and decodes ' +
      'them. Each code becomes one detection of class `qr_code` with confidence 1.0, its box around the code, ' +
      'and the decoded text in `data`.',
    searchKeywords: ['qr', 'qr code', 'barcode', 'decode'],
    ui: { section: 'model', icon: 'far fa-qrcode', blockPriority: 13 },
    properties: { images: imagesProperty() },
    required: ['images'],
    propertyAliases: { image: 'images' },
    outputs: [{ name: 'predictions', kind: ['qr_code_detection'] }],
    batchParameters: ['images'],
  },
  run({ images }) {
    return images.values.map((image): StepOutputs => ({ predictions: image ? qrCodeDetections(image) : null }));
  },
});
