// Geometry shared by the zone / line analytics blocks: anchor points of boxes and validated polygons.
import { Detections, WorkflowExecutionEngineError } from '../../engine/index.ts';
import { boxAnchor } from './draw/index.ts';

export const ANCHORS = [
  'CENTER',
  'CENTER_LEFT',
  'CENTER_RIGHT',
  'TOP_CENTER',
  'TOP_LEFT',
  'TOP_RIGHT',
  'BOTTOM_LEFT',
  'BOTTOM_CENTER',
  'BOTTOM_RIGHT',
  'CENTER_OF_MASS',
];

export function anchorOf(d: Detections, i: number, anchor: string): [number, number] {
  return boxAnchor(d.box(i), anchor) as [number, number];
}

/** A polygon given as [[x, y], ...] with at least three points, or a typed error naming the step and field. */
export function asPolygon(value: unknown, step: string, field: string): number[][] {
  const ok =
    Array.isArray(value) &&
    value.length >= 3 &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number'));
  if (!ok)
    throw new WorkflowExecutionEngineError(
      `Step ${step}: ${field} must be a list of at least 3 [x, y] points, got ${JSON.stringify(value)?.slice(0, 100)}`,
    );
  return value as number[][];
}

/** Detections need tracker ids for per-object analytics. */
export function requireTracked(d: Detections, step: string): Int32Array {
  if (d.length > 0 && !d.trackerId)
    throw new WorkflowExecutionEngineError(
      `Step ${step}: detections carry no tracker ids; put a tracker (e.g. trackers_sort@v1) before this block`,
    );
  return d.trackerId ?? new Int32Array(0);
}
