// Reads point lists given as workflow parameters: [[x, y], ...] (or {x, y} objects), possibly nested one level
// (a list of polygons), validating and naming the field when they are not.
import { WorkflowExecutionEngineError } from '../../engine/index.ts';
import type { Point } from '../common/draw/index.ts';

function toPoint(value: unknown): Point | null {
  if (Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number')
    return [value[0], value[1]];
  if (value && typeof value === 'object' && 'x' in value && 'y' in value) {
    const { x, y } = value as { x: unknown; y: unknown };
    if (typeof x === 'number' && typeof y === 'number') return [x, y];
  }
  return null;
}

/** One polyline or polygon, or several. */
export function readPolylines(value: unknown, stepName: string, field: string, minPoints: number): Point[][] {
  const fail = () =>
    new WorkflowExecutionEngineError(
      `Step ${stepName}: field \`${field}\` must be a list of at least ${minPoints} [x, y] points (or a list of such lists), got ${JSON.stringify(value)?.slice(0, 200)}`,
    );
  if (!Array.isArray(value) || value.length === 0) throw fail();
  const nested = Array.isArray(value[0]) && Array.isArray(value[0][0]);
  const lists = (nested ? value : [value]) as unknown[][];
  return lists.map((list) => {
    if (!Array.isArray(list)) throw fail();
    const points = list.map(toPoint);
    if (points.length < minPoints || points.some((p) => p === null)) throw fail();
    return points as Point[];
  });
}
