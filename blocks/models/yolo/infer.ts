// Runs a detection-family model (object detection, instance segmentation, keypoints) on one image and
// returns Detections in original-image pixels with Roboflow's data columns.
import { randomUUID } from 'node:crypto';
import ort from 'onnxruntime-node';
import { Detections, ModelInputError, type WorkflowImage } from '../../../engine/index.ts';
import { attachImageMetadata } from '../../common/detections-metadata.ts';
import type { LoadedModel } from '../manager.ts';
import { boxesToOriginal, pointToOriginal, preprocessImage, type PreprocessFlags } from '../preprocess.ts';
import { decodeYolo } from './decode.ts';
import { returnTensor } from '../tensor-pool.ts';
import { decodeMasks, type MaskDecodeMode } from './masks.ts';
import { resolveConfidence, type ConfidenceSetting } from '../confidence.ts';
import type { RunRequest } from '../scheduler.ts';

export { DEFAULT_CONFIDENCE, resolveConfidence } from '../confidence.ts';

export interface DetectionParams {
  /** A threshold, or Roboflow's `best` / `default` (model-recommended thresholds when the package has them). */
  confidence: ConfidenceSetting;
  iouThreshold: number;
  classAgnosticNms: boolean;
  maxDetections: number;
  maxCandidates: number;
  classFilter: string[] | null;
  keypointConfidence?: number;
  maskDecodeMode?: MaskDecodeMode;
  tradeoffFactor?: number;
  preprocessing?: PreprocessFlags;
  /** Skip mask decoding for segmentation models (when only boxes are wanted). */
  skipMasks?: boolean;
}

export interface DetectionResult {
  detections: Detections;
  inferenceId: string;
}

// Long on purpose: the hot path of every detection model (preprocess, run, decode, NMS), kept in one place.
export async function inferDetections(
  model: LoadedModel,
  image: WorkflowImage,
  params: DetectionParams,
  request: RunRequest = {},
): Promise<DetectionResult> {
  const inferenceId = randomUUID();
  const pre = await preprocessImage(
    image,
    model.environment,
    { width: model.inputWidth, height: model.inputHeight },
    params.preprocessing,
  );
  const session = model.session;
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', pre.tensor, pre.dims) };
  let outputs: ort.InferenceSession.ReturnType;
  try {
    outputs = await model.scheduler.run(feeds, request);
  } finally {
    returnTensor(pre.tensor);
  }
  const tensors = session.outputNames.map((name) => outputs[name]!);
  const head = tensors.find((t) => t.dims.length === 3);
  if (!head)
    throw new ModelInputError(
      `Model ${model.id}: expected a [1, C, N] detection output, got ${tensors.map((t) => `[${t.dims.join(', ')}]`).join(', ')}`,
    );
  const protoTensor = model.task === 'instance-segmentation' ? tensors.find((t) => t.dims.length === 4) : undefined;
  const decodeMasksToo = protoTensor !== undefined && !params.skipMasks;
  const [, channels, anchors] = head.dims as [number, number, number];
  const output = head.data as Float32Array;

  const protoCount = protoTensor ? protoTensor.dims[1]! : 0;
  let keypointCount = 0;
  if (model.task === 'keypoint-detection') {
    keypointCount =
      model.keypointNames?.length ?? Math.floor((channels - 4 - Math.max(1, model.classNames.length)) / 3);
  }
  const numClasses = channels - 4 - protoCount - keypointCount * 3;
  if (numClasses <= 0)
    throw new ModelInputError(`Model ${model.id}: output has ${channels} channels, too few for its task ${model.task}`);

  const candidates = decodeYolo(output, channels, anchors, {
    numClasses,
    confidence: resolveConfidence(params.confidence, model),
    iouThreshold: params.iouThreshold,
    classAgnosticNms: params.classAgnosticNms,
    maxCandidates: params.maxCandidates,
    // Class filtering happens after NMS, so keep enough for it.
    maxDetections: params.classFilter ? params.maxCandidates : params.maxDetections,
  });
  const classNameOf = (id: number) => model.classNames[id] ?? String(id);
  let rows = Array.from({ length: candidates.count }, (_, i) => i);
  if (params.classFilter) {
    const allowed = new Set(params.classFilter);
    rows = rows.filter((i) => allowed.has(classNameOf(candidates.classId[i]!)));
  }
  rows = rows.slice(0, params.maxDetections);

  const n = rows.length;
  const inputBoxes = new Float32Array(n * 4);
  const confidence = new Float32Array(n);
  const classId = new Int32Array(n);
  const anchorOf = new Int32Array(n);
  rows.forEach((r, i) => {
    inputBoxes.set(candidates.xyxy.subarray(r * 4, r * 4 + 4), i * 4);
    confidence[i] = candidates.confidence[r]!;
    classId[i] = candidates.classId[r]!;
    anchorOf[i] = candidates.anchor[r]!;
  });
  const xyxy = inputBoxes.slice();
  boxesToOriginal(xyxy, pre.transform);
  const data: Record<string, unknown[]> = { class_name: Array.from(classId, classNameOf) };

  let masks: Uint8Array[] | null = null;
  if (protoTensor && decodeMasksToo) {
    masks = decodeMasks(
      {
        output,
        anchors,
        coefficientStart: 4 + numClasses,
        protos: {
          data: protoTensor.data as Float32Array,
          count: protoCount,
          height: protoTensor.dims[2]!,
          width: protoTensor.dims[3]!,
        },
        transform: pre.transform,
        mode: params.maskDecodeMode ?? 'accurate',
        tradeoffFactor: params.tradeoffFactor ?? 0,
      },
      anchorOf,
      inputBoxes,
      xyxy,
    );
  }
  if (keypointCount > 0)
    Object.assign(
      data,
      decodeKeypoints(
        output,
        anchors,
        4 + numClasses,
        keypointCount,
        anchorOf,
        model,
        params.keypointConfidence ?? 0,
        pre.transform,
      ),
    );

  const detections = new Detections(xyxy, confidence, classId, data, masks, masks ? [image.height, image.width] : null);
  return {
    inferenceId,
    detections: attachImageMetadata(detections, image, {
      inferenceId,
      predictionType: model.task,
      newDetectionIds: true,
    }),
  };
}

/** Keypoints (x, y, confidence per keypoint) mapped to original pixels; those under the threshold are dropped. */
function decodeKeypoints(
  output: Float32Array,
  anchors: number,
  start: number,
  count: number,
  anchorOf: Int32Array,
  model: LoadedModel,
  minConfidence: number,
  transform: Parameters<typeof pointToOriginal>[2],
): Record<string, unknown[]> {
  const xy: number[][][] = [];
  const conf: number[][] = [];
  const ids: number[][] = [];
  const names: string[][] = [];
  for (const anchor of anchorOf) {
    const pXy: number[][] = [],
      pConf: number[] = [],
      pIds: number[] = [],
      pNames: string[] = [];
    for (let k = 0; k < count; k++) {
      const c = output[(start + k * 3 + 2) * anchors + anchor]!;
      if (c < minConfidence) continue;
      const [x, y] = pointToOriginal(
        output[(start + k * 3) * anchors + anchor]!,
        output[(start + k * 3 + 1) * anchors + anchor]!,
        transform,
      );
      pXy.push([x, y]);
      pConf.push(c);
      pIds.push(k);
      pNames.push(model.keypointNames?.[k] ?? String(k));
    }
    xy.push(pXy);
    conf.push(pConf);
    ids.push(pIds);
    names.push(pNames);
  }
  return { keypoints_xy: xy, keypoints_confidence: conf, keypoints_class_id: ids, keypoints_class_name: names };
}
