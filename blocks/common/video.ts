// Where a frame comes from and when it was taken: shared by the stateful video blocks (trackers, zones, counters,
// rate limiting), which keep their state per video.
import type { VideoMetadata, WorkflowImage } from '../../engine/index.ts';

export interface VideoSource {
  id: string;
  fps: number;
}

/** Video of a frame: its video_identifier (the image id outside videos) and fps (30 when unknown, as Roboflow assumes). */
export function videoOf(image: WorkflowImage | null | undefined, metadata?: VideoMetadata | null): VideoSource {
  const meta = metadata ?? image?.videoMetadata;
  const fps = Number(meta?.fps);
  return {
    id: meta?.video_identifier ?? image?.parentId ?? 'default',
    fps: Number.isFinite(fps) && fps > 0 ? fps : 30,
  };
}

/** The frame's time in seconds: from the video file position, else its timestamp, else the wall clock. */
export function nowSeconds(image: WorkflowImage | null): number {
  const meta = image?.videoMetadata;
  if (meta?.comes_from_video_file && meta.fps) return meta.frame_number / meta.fps;
  if (meta?.frame_timestamp) {
    const t = Date.parse(meta.frame_timestamp);
    if (!Number.isNaN(t)) return t / 1000;
  }
  return Date.now() / 1000;
}
