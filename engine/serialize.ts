// STUB (contract): the engine owner replaces the bodies; keep the signatures.
import type { Detections } from './detections.ts';
import type { WorkflowImage } from './image.ts';

/** Roboflow's detections payload `{image: {width, height}, predictions: [...]}` (spec §3.8). */
export function serializeDetections(_detections: Detections): { image: { width: number | null; height: number | null }; predictions: Array<Record<string, unknown>> } {
  throw new Error('not implemented');
}

/** `{type: "base64", value, video_metadata, parent_id?, parent_origin?, root_parent_id?, root_parent_origin?}` */
export async function serializeImage(_image: WorkflowImage): Promise<Record<string, unknown>> {
  throw new Error('not implemented');
}

/** Serialize any output value given its kinds (spec §3.8). */
export async function serializeValue(_value: unknown, _kinds: readonly string[]): Promise<unknown> {
  throw new Error('not implemented');
}
