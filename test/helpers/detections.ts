// Shared fixtures for the analytics / tracking / fusion block tests: Detections built from boxes, a step
// context with its own state, and video frames rendered with sharp.
import sharp from 'sharp';
import fs from 'node:fs';
import { Detections, WorkflowImage } from '../../engine/index.ts';

export type Row = [x0: number, y0: number, x1: number, y1: number, className: string, confidence?: number];

export function detections(rows: Row[], extra: { trackerId?: number[]; frame?: [number, number] } = {}): Detections {
  const names = [...new Set(rows.map((r) => r[4]))];
  return new Detections(
    Float32Array.from(rows.flatMap((r) => r.slice(0, 4) as number[])),
    Float32Array.from(rows, (r) => r[5] ?? 0.9),
    Int32Array.from(rows, (r) => names.indexOf(r[4])),
    {
      class_name: rows.map((r) => r[4]),
      detection_id: rows.map((_, i) => `det-${i}`),
      image_dimensions: rows.map(() => extra.frame ?? [480, 640]),
      root_parent_dimensions: rows.map(() => extra.frame ?? [480, 640]),
    },
    null,
    null,
    extra.trackerId ? Int32Array.from(extra.trackerId) : null,
  );
}

export { stepContext } from './step-context.ts';

export function frame(video: string, n: number, fps = 30, width = 64, height = 48): WorkflowImage {
  return new WorkflowImage(new Uint8Array(width * height * 3), width, height, {
    parentId: `${video}-${n}`,
    videoMetadata: {
      video_identifier: video,
      frame_number: n,
      frame_timestamp: new Date(n * (1000 / fps)).toISOString(),
      fps,
    },
  });
}

/** A JPEG of `file` moved right by `dx` pixels (edge repeated), as a workflow image input of a video. */
export async function shiftedFrame(
  file: string,
  dx: number,
  video: string,
  n: number,
): Promise<Record<string, unknown>> {
  const source = sharp(fs.readFileSync(file));
  const { width, height } = await source.metadata();
  const jpeg = await sharp(fs.readFileSync(file))
    .extend({ left: dx, extendWith: 'copy' })
    .extract({ left: 0, top: 0, width: width!, height: height! })
    .jpeg({ quality: 95 })
    .toBuffer();
  return {
    type: 'base64',
    value: jpeg.toString('base64'),
    video_metadata: {
      video_identifier: video,
      frame_number: n,
      frame_timestamp: new Date(n * 40).toISOString(),
      fps: 25,
    },
  };
}
