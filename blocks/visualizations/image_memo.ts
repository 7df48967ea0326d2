// Per-image memo for derived pixels (resized icons, grid thumbnails): images are immutable, so the image object
// plus a size key identifies the result, and it goes away with the image.
import type { WorkflowImage } from '../../engine/index.ts';

export class ImageMemo<T> {
  readonly #byImage = new WeakMap<WorkflowImage, Map<string, T>>();

  get(image: WorkflowImage, key: string, create: () => T): T {
    let byKey = this.#byImage.get(image);
    if (!byKey) this.#byImage.set(image, (byKey = new Map()));
    let value = byKey.get(key);
    if (value === undefined) byKey.set(key, (value = create()));
    return value;
  }
}
