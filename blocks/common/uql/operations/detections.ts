// Operations on Detections (whole predictions) and on single detections picked out of them.
import { Detections, isDetections, serializeDetections } from '../../../../engine/index.ts';
import {
  DEFAULT_OPERAND_NAME,
  DetectionRef,
  isDetectionRef,
  type EvaluationContext,
  type OperationFn,
} from '../types.ts';
import { invalidInput, undeclaredSymbol } from '../errors.ts';
import { evaluateStatement, type Statement } from '../statements.ts';

type PropertyOf = (d: Detections, i: number) => unknown;

const centerX = (d: Detections, i: number) => (d.xyxy[i * 4]! + d.xyxy[i * 4 + 2]!) / 2;
const centerY = (d: Detections, i: number) => (d.xyxy[i * 4 + 1]! + d.xyxy[i * 4 + 3]!) / 2;
const boxArea = (d: Detections, i: number) =>
  (d.xyxy[i * 4 + 2]! - d.xyxy[i * 4]!) * (d.xyxy[i * 4 + 3]! - d.xyxy[i * 4 + 1]!);

export const DETECTION_PROPERTIES: Record<string, PropertyOf> = {
  confidence: (d, i) => d.confidence[i],
  class_name: (d, i) => d.get('class_name', i),
  class_id: (d, i) => d.classId[i],
  x_min: (d, i) => d.xyxy[i * 4],
  y_min: (d, i) => d.xyxy[i * 4 + 1],
  x_max: (d, i) => d.xyxy[i * 4 + 2],
  y_max: (d, i) => d.xyxy[i * 4 + 3],
  size: boxArea,
  center: (d, i) => [centerX(d, i), centerY(d, i)],
  top_left: (d, i) => [d.xyxy[i * 4], d.xyxy[i * 4 + 1]],
  top_right: (d, i) => [d.xyxy[i * 4 + 2], d.xyxy[i * 4 + 1]],
  bottom_left: (d, i) => [d.xyxy[i * 4], d.xyxy[i * 4 + 3]],
  bottom_right: (d, i) => [d.xyxy[i * 4 + 2], d.xyxy[i * 4 + 3]],
  detection_id: (d, i) => d.get('detection_id', i),
  parent_id: (d, i) => d.get('parent_id', i),
  tracker_id: (d, i) => d.trackerId?.[i] ?? null,
};

const SORT_KEYS: Record<string, PropertyOf> = {
  confidence: (d, i) => d.confidence[i],
  x_min: (d, i) => d.xyxy[i * 4],
  y_min: (d, i) => d.xyxy[i * 4 + 1],
  x_max: (d, i) => d.xyxy[i * 4 + 2],
  y_max: (d, i) => d.xyxy[i * 4 + 3],
  size: boxArea,
  center_x: centerX,
  center_y: centerY,
};

function requireDetections(value: unknown, name: string, ctx: EvaluationContext): Detections {
  if (!isDetections(value)) throw invalidInput(name, 'Detections object as value', value, ctx);
  return value;
}

function property(name: unknown, opName: string, ctx: EvaluationContext): PropertyOf {
  const extractor = DETECTION_PROPERTIES[String(name)];
  if (!extractor)
    throw invalidInput(opName, `property_name in ${Object.keys(DETECTION_PROPERTIES).join('/')}`, name, ctx);
  return extractor;
}

/** Resolves an operation field that may name a parameter instead of holding the value itself. */
function resolveNamed(
  value: unknown,
  isDirect: (v: unknown) => boolean,
  purpose: string,
  ctx: EvaluationContext,
): unknown {
  if (isDirect(value) || typeof value !== 'string') return value;
  if (!Object.hasOwn(ctx.parameters, value)) throw undeclaredSymbol(value, purpose, ctx);
  return ctx.parameters[value];
}

function shifted(d: Detections, dx0: number, dy0: number, dx1: number, dy1: number): Detections {
  const xyxy = new Float32Array(d.xyxy);
  for (let i = 0; i < d.length; i++) {
    xyxy[i * 4] += dx0;
    xyxy[i * 4 + 1] += dy0;
    xyxy[i * 4 + 2] += dx1;
    xyxy[i * 4 + 3] += dy1;
  }
  return d.with({ xyxy });
}

function renameClasses(
  d: Detections,
  classMap: Record<string, string>,
  strict: boolean,
  idOffset: number,
  ctx: EvaluationContext,
): Detections {
  const names = (d.column<string>('class_name') ?? []).slice(0, d.length);
  let ids: Map<string, number>;
  if (strict) {
    for (const name of names) {
      if (!Object.hasOwn(classMap, name))
        throw invalidInput('rename_detections', `class '${name}' to be declared in class_map (strict mode)`, name, ctx);
    }
    ids = new Map([...new Set(Object.values(classMap))].sort().map((name, id) => [name, id]));
  } else {
    ids = new Map(names.map((name, i) => [name, d.classId[i]!]));
    const added = [...new Set(Object.values(classMap))].filter((name) => !ids.has(name)).sort();
    added.forEach((name, k) => ids.set(name, idOffset + k));
  }
  const newNames = names.map((name) => classMap[name] ?? name);
  const classId = Int32Array.from(newNames, (name) => ids.get(name)!);
  return d.with({ classId, data: { class_name: newNames } });
}

function pickIndex(d: Detections, mode: string, ctx: EvaluationContext): number {
  let best = 0;
  switch (mode) {
    case 'top_confidence':
      for (let i = 1; i < d.length; i++) if (d.confidence[i]! > d.confidence[best]!) best = i;
      return best;
    case 'left_most':
      for (let i = 1; i < d.length; i++) if (centerX(d, i) < centerX(d, best)) best = i;
      return best;
    case 'right_most':
      for (let i = 1; i < d.length; i++) if (centerX(d, i) >= centerX(d, best)) best = i;
      return best;
    case 'first':
      return 0;
    case 'last':
      return d.length - 1;
    default:
      throw invalidInput('select_detections', 'mode in left_most/right_most/top_confidence/first/last', mode, ctx);
  }
}

export const detectionsOperations: Record<string, OperationFn> = {
  DetectionsPropertyExtract(value, op, ctx) {
    const d = requireDetections(value, 'extract_detections_property', ctx);
    const extractor = property(op.property_name, 'extract_detections_property', ctx);
    const out = new Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = extractor(d, i);
    return out;
  },
  ExtractDetectionProperty(value, op, ctx) {
    if (!isDetectionRef(value)) throw invalidInput('extract_detection_property', 'single detection', value, ctx);
    return property(op.property_name, 'extract_detection_property', ctx)(value.detections, value.index);
  },
  async DetectionsFilter(value, op, ctx) {
    const d = requireDetections(value, 'filter_detections', ctx);
    const keep: number[] = [];
    const parameters = { ...ctx.parameters };
    const local = { ...ctx, parameters };
    for (let i = 0; i < d.length; i++) {
      parameters[DEFAULT_OPERAND_NAME] = new DetectionRef(d, i);
      if (await evaluateStatement(op.filter_operation as Statement, local)) keep.push(i);
    }
    return keep.length === d.length ? d : d.select(keep);
  },
  SortDetections(value, op, ctx) {
    const d = requireDetections(value, 'sort_detections', ctx);
    const key = SORT_KEYS[String(op.mode)];
    if (!key) throw invalidInput('sort_detections', `mode in ${Object.keys(SORT_KEYS).join('/')}`, op.mode, ctx);
    if (d.length === 0) return d;
    const order = Array.from({ length: d.length }, (_, i) => i);
    const values = order.map((i) => Number(key(d, i)));
    order.sort((a, b) => values[a]! - values[b]!);
    if (op.ascending === false) order.reverse();
    return d.select(order);
  },
  DetectionsOffset(value, op, ctx) {
    const d = requireDetections(value, 'offset_detections', ctx);
    const ox = Number(op.offset_x ?? 0);
    const oy = Number(op.offset_y ?? 0);
    return shifted(d, -ox / 2, -oy / 2, ox / 2, oy / 2);
  },
  DetectionsShift(value, op, ctx) {
    const d = requireDetections(value, 'shift_detections', ctx);
    const sx = Number(op.shift_x ?? 0);
    const sy = Number(op.shift_y ?? 0);
    return shifted(d, sx, sy, sx, sy);
  },
  DetectionsSelection(value, op, ctx) {
    const d = requireDetections(value, 'select_detections', ctx);
    if (d.length === 0) return d;
    return d.select([pickIndex(d, String(op.mode), ctx)]);
  },
  DetectionsRename(value, op, ctx) {
    const d = requireDetections(value, 'rename_detections', ctx);
    const isDict = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    const classMap = resolveNamed(op.class_map, isDict, 'class mapping of rename_detections(...)', ctx);
    if (!isDict(classMap)) throw invalidInput('rename_detections', 'dictionary as class_map', classMap, ctx);
    const strict = resolveNamed(
      op.strict ?? true,
      (v) => typeof v === 'boolean',
      '`strict` flag of rename_detections(...)',
      ctx,
    );
    if (typeof strict !== 'boolean') throw invalidInput('rename_detections', 'bool as `strict` flag', strict, ctx);
    return renameClasses(d, classMap as Record<string, string>, strict, Number(op.new_classes_id_offset ?? 1024), ctx);
  },
  PickDetectionsByParentClass(value, op, ctx) {
    const d = requireDetections(value, 'pick_detections_by_parent_class', ctx);
    const names = d.column<string>('class_name') ?? [];
    const parents: number[] = [];
    for (let i = 0; i < d.length; i++) if (names[i] === op.parent_class) parents.push(i);
    return d.filter((i) => {
      if (names[i] === op.parent_class) return false;
      const cx = centerX(d, i);
      const cy = centerY(d, i);
      return parents.some(
        (p) => cx >= d.xyxy[p * 4]! && cx <= d.xyxy[p * 4 + 2]! && cy >= d.xyxy[p * 4 + 1]! && cy <= d.xyxy[p * 4 + 3]!,
      );
    });
  },
  DetectionsToDictionary(value, _op, ctx) {
    return serializeDetections(requireDetections(value, 'detections_to_dictionary', ctx));
  },
};
