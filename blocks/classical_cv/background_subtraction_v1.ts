import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { grayToRgb } from '../common/draw/index.ts';
import { cvManifest, inputImage, intParam } from './common.ts';

/**
 * Per-pixel running Gaussian background model (one mode of MOG2): mean colour and a shared variance, learnt at
 * rate 1 / min(frames seen, history). A pixel is foreground when its squared colour distance to the mean exceeds
 * threshold x variance.
 */
export class BackgroundModel {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  frames = 0;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.mean = new Float32Array(width * height * 3);
    this.variance = new Float32Array(width * height).fill(VAR_INIT);
  }

  /** Foreground mask (255 / 0) of the frame, then the model learns the frame. */
  apply(pixels: Uint8Array, threshold: number, history: number): Uint8Array {
    const mask = new Uint8Array(this.width * this.height);
    this.frames++;
    const rate = 1 / Math.min(this.frames, Math.max(1, history));
    const { mean, variance } = this;
    for (let i = 0, o = 0; i < mask.length; i++, o += 3) {
      const dr = pixels[o]! - mean[o]!;
      const dg = pixels[o + 1]! - mean[o + 1]!;
      const db = pixels[o + 2]! - mean[o + 2]!;
      const d2 = dr * dr + dg * dg + db * db;
      if (this.frames > 1 && d2 > threshold * variance[i]!) mask[i] = 255;
      mean[o] = mean[o]! + rate * dr;
      mean[o + 1] = mean[o + 1]! + rate * dg;
      mean[o + 2] = mean[o + 2]! + rate * db;
      const v = variance[i]! + rate * (d2 / 3 - variance[i]!);
      variance[i] = Math.min(VAR_MAX, Math.max(VAR_MIN, v));
    }
    return mask;
  }
}

// MOG2's initial / minimum / maximum variances.
const VAR_INIT = 15;
const VAR_MIN = 4;
const VAR_MAX = 75;

function streamKey(image: WorkflowImage): string {
  return `background_subtraction:${image.videoMetadata?.video_identifier ?? 'default'}`;
}

export const backgroundSubtractionV1 = defineBlock<{ image: WorkflowImage; threshold: number; history: number }>({
  manifest: cvManifest({
    type: 'roboflow_core/background_subtraction@v1',
    cacheable: false, // learns the background from previous frames
    humanName: 'Background Subtraction',
    shortDescription: 'Foreground mask of a video frame against a background learnt from previous frames (per video).',
    longDescription:
      'Keeps a per-video running Gaussian model of every pixel; pixels that differ from it by more than `threshold` variances are foreground (white) in the output mask image. The first frame of a video initialises the model and yields an empty mask.',
    icon: 'far fa-layer-minus',
    properties: {
      image: inputImage(),
      threshold: intParam(
        'Threshold',
        'Squared colour distance, in variances, above which a pixel is foreground.',
        16,
        { minimum: 1 },
      ),
      history: intParam('History', 'How many recent frames the background model effectively averages.', 30, {
        minimum: 1,
      }),
    },
    required: ['image'],
    outputs: [{ name: 'image', kind: ['image'] }],
  }),
  run({ image, threshold, history }, context) {
    const key = streamKey(image);
    let model = context.state.get(key) as BackgroundModel | undefined;
    if (!model || model.width !== image.width || model.height !== image.height) {
      model = new BackgroundModel(image.width, image.height);
      context.state.set(key, model);
    }
    const mask = model.apply(image.pixels, Number(threshold), Number(history));
    return { image: image.withPixels(grayToRgb(mask)) };
  },
});
