// roboflow_core/icon_visualization@v1: pastes an icon (alpha-blended when the icon arrived as an image with
// transparency) either once at a fixed place (`static`, e.g. a watermark; negative coordinates count from the
// right / bottom edge) or centred on each detection's anchor (`dynamic`).
import sharp from 'sharp';
import { DETECTION_KINDS_WITH_RLE, literalOrSelector, selector, WorkflowImage } from '../../engine/index.ts';
import { invalidParam, positiveInt } from '../common/param-errors.ts';
import { boxAnchor, maskCentroid, POSITIONS, type Canvas } from '../common/draw/index.ts';
import { ImageMemo } from './image_memo.ts';
import { defineVisualization, intProperty, type VisualizationParams } from './common.ts';

/** An icon resized to the requested size, RGBA. */
interface Icon {
  rgba: Uint8Array;
  width: number;
  height: number;
}

// Resized icons per source image and size.
const icons = new ImageMemo<Promise<Icon>>();

/** RGBA of the icon: the alpha of its original encoding when it had one (decoding drops it), else opaque. */
async function sourceRgba(icon: WorkflowImage): Promise<Uint8Array> {
  try {
    const encoded = Buffer.from(await icon.toBase64(), 'base64');
    const { data, info } = await sharp(encoded).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(encoded).metadata();
    if (meta.hasAlpha && info.width === icon.width && info.height === icon.height && info.channels === 4)
      return new Uint8Array(data);
  } catch {
    // fall through to opaque pixels
  }
  const n = icon.width * icon.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    rgba[i * 4] = icon.pixels[i * 3]!;
    rgba[i * 4 + 1] = icon.pixels[i * 3 + 1]!;
    rgba[i * 4 + 2] = icon.pixels[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

function resizedIcon(icon: WorkflowImage, width: number, height: number): Promise<Icon> {
  return icons.get(icon, `${width}x${height}`, async () => {
    const rgba = await sourceRgba(icon);
    const data = await sharp(rgba, { raw: { width: icon.width, height: icon.height, channels: 4 } })
      .resize({ width, height, fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    return { rgba: new Uint8Array(data), width, height };
  });
}

/** Alpha-blends the icon with its top-left corner at (left, top), clipped to the canvas. */
export function pasteIcon(canvas: Canvas, icon: Icon, left: number, top: number): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(canvas.width, left + icon.width);
  const y1 = Math.min(canvas.height, top + icon.height);
  const p = canvas.pixels;
  for (let y = y0; y < y1; y++) {
    let s = ((y - top) * icon.width + (x0 - left)) * 4;
    let d = (y * canvas.width + x0) * 3;
    for (let x = x0; x < x1; x++, s += 4, d += 3) {
      const a = icon.rgba[s + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        p[d] = icon.rgba[s]!;
        p[d + 1] = icon.rgba[s + 1]!;
        p[d + 2] = icon.rgba[s + 2]!;
        continue;
      }
      const alpha = a / 255;
      for (let c = 0; c < 3; c++) p[d + c] = Math.round(icon.rgba[s + c]! * alpha + p[d + c]! * (1 - alpha));
    }
  }
}

async function drawIcons(canvas: Canvas, params: VisualizationParams, context: { stepName: string }): Promise<void> {
  const width = positiveInt(params.icon_width ?? 64, context.stepName, 'icon_width');
  const height = positiveInt(params.icon_height ?? 64, context.stepName, 'icon_height');
  const mode = String(params.mode ?? 'dynamic');
  const source = params.icon;
  if (!(source instanceof WorkflowImage)) throw invalidParam(context.stepName, 'icon', typeof source, 'an image');
  if (mode === 'static') {
    const x = Number(params.x_position ?? 10);
    const y = Number(params.y_position ?? 10);
    const left = x < 0 ? canvas.width + x - width : x;
    const top = y < 0 ? canvas.height + y - height : y;
    // Placed through its centre like any other icon, so odd sizes land where Roboflow puts them.
    const cx = left + Math.floor(width / 2);
    const cy = top + Math.floor(height / 2);
    pasteIcon(
      canvas,
      await resizedIcon(source, width, height),
      cx - Math.floor(width / 2),
      cy - Math.floor(height / 2),
    );
    return;
  }
  if (mode !== 'dynamic') throw invalidParam(context.stepName, 'mode', mode, "'static' or 'dynamic'");
  const detections = params.predictions;
  if (detections === undefined)
    throw invalidParam(context.stepName, 'predictions', null, 'a predictions selector (required in dynamic mode)');
  if (!detections || detections.length === 0) return;
  const icon = await resizedIcon(source, width, height);
  const position = String(params.position ?? 'TOP_CENTER');
  for (let i = 0; i < detections.length; i++) {
    let anchor = boxAnchor(detections.box(i), position);
    if (position === 'CENTER_OF_MASS' && detections.masks && detections.maskShape) {
      anchor = maskCentroid(detections.masks[i]!, detections.maskShape[1]) ?? anchor;
    }
    pasteIcon(
      canvas,
      icon,
      Math.trunc(anchor[0]) - Math.floor(width / 2),
      Math.trunc(anchor[1]) - Math.floor(height / 2),
    );
  }
}

export const iconVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/icon_visualization@v1',
    aliases: ['IconVisualization'],
    humanName: 'Icon Visualization',
    shortDescription:
      'Draw icons on an image either at specific static coordinates or dynamically based on detections.',
    longDescription:
      'Draws an icon on the image. In `static` mode the icon is placed once at (x_position, y_position) — ' +
      'negative values count from the right / bottom edge — e.g. as a watermark. In `dynamic` mode an icon is ' +
      'centred on each detection\u2019s anchor `position`. PNG icons keep their transparency.',
    icon: 'far fa-image',
    blockPriority: 5,
    searchKeywords: ['annotator', 'icon', 'watermark'],
    predictionKinds: null,
    properties: {
      icon: selector(['image'], {
        title: 'Icon Image',
        description: 'The icon image to place on the input image (PNG with transparency recommended)',
        examples: ['$inputs.icon', '$steps.image_loader.image'],
      }),
      mode: literalOrSelector({ type: 'string', enum: ['static', 'dynamic'] }, ['string'], {
        description: "Mode for placing icons: 'static' for fixed position (watermark), 'dynamic' for detection-based",
        default: 'dynamic',
        examples: ['static', 'dynamic', '$inputs.mode'],
      }),
      predictions: selector([...DETECTION_KINDS_WITH_RLE], {
        title: 'Predictions',
        description: 'Model predictions to place icons on (required for dynamic mode)',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      icon_width: intProperty('Icon Width', 'Width of the icon in pixels', 64),
      icon_height: intProperty('Icon Height', 'Height of the icon in pixels', 64),
      position: literalOrSelector({ type: 'string', enum: [...POSITIONS] }, ['string'], {
        title: 'Position',
        description: 'Position relative to detection for dynamic mode',
        default: 'TOP_CENTER',
        examples: ['TOP_CENTER', '$inputs.position'],
      }),
      x_position: intProperty(
        'X Position',
        'X coordinate for static mode. Positive values from left edge, negative from right edge',
        10,
      ),
      y_position: intProperty(
        'Y Position',
        'Y coordinate for static mode. Positive values from top edge, negative from bottom edge',
        10,
      ),
    },
    required: ['icon'],
  },
  drawIcons,
);
