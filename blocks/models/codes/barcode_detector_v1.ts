// roboflow_core/barcode_detector@v1: finds and decodes 1D barcodes (EAN-13 / UPC-A, EAN-8, Code 128, Code 39)
// with Sightline's own scan-line decoder. One detection per code: the box around its bars, class `barcode`,
// confidence 1.0, and the decoded text in the `data` column.
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
import { detectBarcodes } from '../../common/barcode/detector.ts';

export function barcodeDetections(image: WorkflowImage): Detections {
  const codes = detectBarcodes(image.pixels, image.width, image.height);
  const xyxy = new Float32Array(codes.length * 4);
  codes.forEach((code, i) => {
    const [x0, y0, x1, y1] = code.box;
    xyxy.set([Math.max(0, x0), Math.max(0, y0), Math.min(image.width, x1), Math.min(image.height, y1)], i * 4);
  });
  const detections = new Detections(xyxy, new Float32Array(codes.length).fill(1), new Int32Array(codes.length), {
    class_name: codes.map(() => 'barcode'),
    data: codes.map((code) => code.text),
  });
  return attachImageMetadata(detections, image, { inferenceId: randomUUID(), predictionType: 'barcode-detection' });
}

export const barcodeDetectorV1 = defineBlock<{ images: Batch<WorkflowImage> }>({
  manifest: {
    type: 'roboflow_core/barcode_detector@v1',
    aliases: ['BarcodeDetector', 'BarcodeDetection'],
    humanName: 'Barcode Detection',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'Detect and read barcodes in an image.',
    longDescription:
      'Finds 1D barcodes (EAN-13, UPC-A reported as 13-digit EAN-13, EAN-8, Code 128 and Code 39) lying ' +
      'roughly horizontal or vertical, and decodes them, verifying check digits. Each code becomes one ' +
      'detection of class `barcode` with confidence 1.0, its box around the bars, and the decoded text in `data`.',
    searchKeywords: ['barcode', 'ean', 'upc', 'code 128', 'code 39', 'decode'],
    ui: { section: 'model', icon: 'far fa-barcode', blockPriority: 12 },
    properties: { images: imagesProperty() },
    required: ['images'],
    propertyAliases: { image: 'images' },
    outputs: [{ name: 'predictions', kind: ['bar_code_detection'] }],
    batchParameters: ['images'],
  },
  run({ images }) {
    return images.values.map((image): StepOutputs => ({ predictions: image ? barcodeDetections(image) : null }));
  },
});
