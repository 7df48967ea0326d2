// Fixed crops shared by absolute_static_crop and relative_statoic_crop: one crop per image, with its own
// parent id and its place in the parent, or null when the area misses the image.
import { randomUUID } from 'node:crypto';
import type { Batch, WorkflowImage } from '../../engine/index.ts';

export function staticCrops(
  images: Batch<WorkflowImage>,
  box: (image: WorkflowImage) => { xCenter: number; yCenter: number; width: number; height: number },
): Array<{ crops: WorkflowImage | null }> {
  return images.values.map((image) => {
    if (!image) return { crops: null };
    const { xCenter, yCenter, width, height } = box(image);
    const x0 = Math.round(xCenter - width / 2);
    const y0 = Math.round(yCenter - height / 2);
    return { crops: image.crop(x0, y0, x0 + Math.round(width), y0 + Math.round(height), randomUUID()) };
  });
}
