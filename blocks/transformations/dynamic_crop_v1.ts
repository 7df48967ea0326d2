// roboflow_core/dynamic_crop@v1: one crop per detection (output dimensionality +1). Each crop's parent is the
// detection (parent_id = detection_id); its `predictions` output is that detection re-based into the crop.
import {
  Batch,
  Detections,
  WorkflowImage,
  defineBlock,
  imagesProperty,
  literalOrSelector,
  selector,
  type StepOutputs,
} from '../../engine/index.ts';
import { requireColor, type Rgb } from '../common/color.ts';
import { translate } from '../common/detections-utils.ts';

const DETECTION_KINDS = [
  'instance_segmentation_prediction',
  'object_detection_prediction',
  'keypoint_detection_prediction',
];

interface Params {
  images: Batch<WorkflowImage>;
  predictions: Batch<Detections>;
  mask_opacity: number;
  background_color: string | number[];
}

/** Pixels outside the instance mask fade towards the background colour by `opacity`. */
function applyMask(
  crop: WorkflowImage,
  mask: Uint8Array,
  maskWidth: number,
  left: number,
  top: number,
  opacity: number,
  color: Rgb,
): WorkflowImage {
  const pixels = new Uint8Array(crop.pixels);
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      if (mask[(top + y) * maskWidth + left + x]) continue;
      const p = (y * crop.width + x) * 3;
      for (let c = 0; c < 3; c++) pixels[p + c] = Math.round(pixels[p + c]! * (1 - opacity) + color[c]! * opacity);
    }
  }
  return new WorkflowImage(pixels, crop.width, crop.height, crop.lineage());
}

function cropsOf(image: WorkflowImage, detections: Detections, opacity: number, color: Rgb): StepOutputs[] {
  const ids = detections.column<string>('detection_id');
  const out: StepOutputs[] = [];
  for (let i = 0; i < detections.length; i++) {
    const [x0, y0, x1, y1] = detections.box(i).map(Math.round) as [number, number, number, number];
    const detectionId = ids?.[i] ?? `${image.parentId}_${i}`;
    let crop = image.crop(x0, y0, x1, y1, detectionId);
    if (!crop) {
      out.push({ crops: null, predictions: null });
      continue;
    }
    const { offset_x: left, offset_y: top } = crop.parentOrigin;
    const mask = detections.masks?.[i];
    if (mask && opacity > 0 && detections.maskShape)
      crop = applyMask(crop, mask, detections.maskShape[1], left, top, opacity, color);
    const single = translate(detections.select([i]), -left, -top, detections.masks ? crop : undefined);
    const predictions = single.with({
      data: {
        parent_id: [detectionId],
        image_dimensions: [[crop.height, crop.width]],
        parent_coordinates: [[left, top]],
        parent_dimensions: [[image.height, image.width]],
        root_parent_id: [crop.rootParentId],
        root_parent_coordinates: [[crop.rootOrigin.offset_x, crop.rootOrigin.offset_y]],
        root_parent_dimensions: [[crop.rootOrigin.height, crop.rootOrigin.width]],
      },
    });
    out.push({ crops: crop, predictions });
  }
  return out;
}

export const dynamicCropV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/dynamic_crop@v1',
    aliases: ['DynamicCrop', 'Crop'],
    humanName: 'Dynamic Crop',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Crop an image using bounding boxes from a detection model.',
    ui: { section: 'transformation', icon: 'far fa-crop-alt', blockPriority: 1, popular: true },
    properties: {
      images: imagesProperty('The image to crop.'),
      predictions: selector(DETECTION_KINDS, {
        title: 'Regions of Interest',
        description: 'Detection model output containing bounding boxes for cropping.',
        examples: ['$steps.my_object_detection_model.predictions'],
      }),
      mask_opacity: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'Mask Opacity',
        description:
          'For instance segmentation, how strongly pixels outside the mask are replaced by background_color.',
        default: 0,
        examples: [0.3, '$inputs.mask_opacity'],
      }),
      background_color: literalOrSelector(
        [{ type: 'string' }, { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 }],
        ['string', 'rgb_color'],
        {
          title: 'Background Color',
          description: 'Colour used outside instance masks: hex, rgb(...) or bgr(...).',
          default: '#000000',
          examples: ['#000000', '$inputs.background_color'],
        },
      ),
    },
    required: ['images', 'predictions'],
    propertyAliases: { image: 'images' },
    outputs: [
      { name: 'crops', kind: ['image'] },
      {
        name: 'predictions',
        kind: ['object_detection_prediction', 'instance_segmentation_prediction', 'keypoint_detection_prediction'],
      },
    ],
    batchParameters: ['images', 'predictions'],
    outputDimensionalityOffset: 1,
  },
  run({ images, predictions, mask_opacity, background_color }, context) {
    const opacity = Number(mask_opacity ?? 0);
    const color = requireColor(background_color ?? '#000000', context.stepName, 'background_color');
    return images.values.map((image, i) => {
      const detections = predictions.values[i];
      if (!image || !detections) return [];
      return cropsOf(image, detections, opacity, color);
    });
  },
});
