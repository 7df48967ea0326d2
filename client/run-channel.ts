// The run channel's step previews as they travel on the wire (/workflows/run/ws, README "Live runs"): the server
// builds them (server/ws/previews.ts), the editor draws them. Types only.

export type ValuePreview =
  | { type: 'image'; width: number; height: number; jpeg: string; parent_id: string }
  | {
      type: 'detections';
      count: number;
      /** [height, width] of the image the boxes belong to, when known. */
      image_dimensions: [number, number] | null;
      boxes: Array<[number, number, number, number]>;
      classes: string[];
      confidences: number[];
      keypoints?: Array<Array<[number, number]>>;
      /** Outline of each mask as [x0, y0, x1, y1, ...] in the boxes' pixels, at most MASK_POINTS points. */
      masks?: number[][];
    }
  | { type: 'list'; length: number; items: ValuePreview[] }
  | { type: 'scalar'; value: string | number | boolean | null; truncated?: boolean }
  | { type: 'json'; text: string; truncated: boolean };

export interface ElementPreview {
  /** Batch index: [] for a scalar step, [i] per input image, [i, j] per crop j of image i. */
  index: number[];
  outputs: Record<string, ValuePreview>;
}

export interface StepPreview {
  elements: ElementPreview[];
  /** Elements left out beyond maxElements. */
  omitted: number;
}
