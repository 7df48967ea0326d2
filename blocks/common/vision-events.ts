// Roboflow's Vision Events payload pieces, shared by the event sinks: schema-specific `eventData` (camelCase, nulls
// dropped) and the annotations of an image entry converted from detections or a classification result.
import type { Detections } from '../../engine/index.ts';
import { maskPolygon } from './mask-geometry.ts';

export const VISION_EVENT_TYPES = [
  'quality_check',
  'inventory_count',
  'safety_alert',
  'custom',
  'operator_feedback',
] as const;

export interface EventFields {
  external_id?: unknown;
  qc_result?: unknown;
  location?: unknown;
  item_count?: unknown;
  item_type?: unknown;
  alert_type?: unknown;
  severity?: unknown;
  alert_description?: unknown;
  custom_value?: unknown;
  related_event_id?: unknown;
  feedback?: unknown;
}

/** eventData of one event type; fields of other types are ignored, unknown types give {}. */
export function buildEventData(eventType: string, f: EventFields): Record<string, unknown> {
  const byType: Record<string, Record<string, unknown>> = {
    quality_check: { result: f.qc_result, externalId: f.external_id },
    inventory_count: {
      location: f.location,
      itemCount: f.item_count,
      itemType: f.item_type,
      externalId: f.external_id,
    },
    safety_alert: {
      alertType: f.alert_type,
      severity: f.severity,
      description: f.alert_description,
      externalId: f.external_id,
    },
    custom: { value: f.custom_value, externalId: f.external_id },
    operator_feedback: { relatedEventId: f.related_event_id, feedback: f.feedback },
  };
  const data = Object.hasOwn(byType, eventType) ? byType[eventType]! : {};
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined));
}

type Annotation = Record<string, unknown>;

function detectionKind(d: Detections): 'object' | 'segmentation' | 'keypoints' {
  if (d.data.keypoints_xy) return 'keypoints';
  if (d.masks || d.data.polygon) return 'segmentation';
  const type = String(d.data.prediction_type?.[0] ?? '');
  if (type.includes('segmentation')) return 'segmentation';
  if (type.includes('keypoint')) return 'keypoints';
  return 'object';
}

function fromDetections(d: Detections): Record<string, Annotation[]> {
  const kind = detectionKind(d);
  const objects: Annotation[] = [];
  const segmentations: Annotation[] = [];
  const keypoints: Annotation[] = [];
  for (let i = 0; i < d.length; i++) {
    const [x1, y1, x2, y2] = d.box(i);
    const w = Math.abs(x2 - x1);
    const h = Math.abs(y2 - y1);
    const base: Annotation = {
      class: String(d.get('class_name', i) ?? 'unknown'),
      x: x1 + w / 2,
      y: y1 + h / 2,
      width: w,
      height: h,
      confidence: Math.max(0, Math.min(1, d.confidence[i] ?? 0)),
    };
    if (kind === 'keypoints') {
      const xy = d.get<number[][]>('keypoints_xy', i);
      const ids = d.get<number[]>('keypoints_class_id', i);
      keypoints.push(
        xy?.length ? { ...base, keypoints: xy.map(([x, y], k) => ({ id: Number(ids?.[k] ?? k), x, y })) } : base,
      );
    } else if (kind === 'segmentation') {
      let polygon = d.get<number[][]>('polygon', i);
      if (!polygon && d.masks && d.maskShape) polygon = maskPolygon(d.masks[i]!, d.maskShape);
      if (polygon && polygon.length >= 3) segmentations.push({ ...base, points: polygon.map(([x, y]) => [x, y]) });
      else objects.push(base);
    } else {
      objects.push(base);
    }
  }
  return { objectDetections: objects, instanceSegmentations: segmentations, keypoints };
}

function fromClassification(prediction: Record<string, unknown>): Annotation[] {
  const out: Annotation[] = [];
  const predictions = prediction.predictions;
  if (Array.isArray(prediction.predicted_classes)) {
    for (const name of prediction.predicted_classes) {
      const entry =
        predictions && typeof predictions === 'object' && !Array.isArray(predictions)
          ? (predictions as Record<string, { confidence?: number }>)[String(name)]
          : undefined;
      out.push({ class: String(name), confidence: Number(entry?.confidence ?? 0) });
    }
    if (out.length > 0) return out;
  }
  if (Array.isArray(predictions)) {
    for (const p of predictions as Array<Record<string, unknown>>) {
      out.push({ class: String(p.class_name ?? p.class ?? 'unknown'), confidence: Number(p.confidence ?? 0) });
    }
  } else if (predictions && typeof predictions === 'object') {
    for (const [name, details] of Object.entries(predictions as Record<string, unknown>)) {
      const confidence =
        details && typeof details === 'object'
          ? Number((details as { confidence?: number }).confidence ?? 0)
          : Number(typeof details === 'number' ? details : 0);
      out.push({ class: name, confidence });
    }
  }
  if (out.length === 0 && 'top' in prediction) {
    out.push({ class: String(prediction.top), confidence: Number(prediction.confidence ?? 0) });
  }
  return out;
}

/** Non-empty annotation lists keyed objectDetections / classifications / instanceSegmentations / keypoints. */
export function predictionsToAnnotations(prediction: unknown): Record<string, Annotation[]> {
  let lists: Record<string, Annotation[]> = {};
  if (prediction && typeof prediction === 'object' && 'xyxy' in prediction && 'confidence' in prediction) {
    lists = fromDetections(prediction as Detections);
  } else if (prediction && typeof prediction === 'object') {
    lists = { classifications: fromClassification(prediction as Record<string, unknown>) };
  }
  const order = ['objectDetections', 'classifications', 'instanceSegmentations', 'keypoints'];
  return Object.fromEntries(order.filter((k) => lists[k]?.length).map((k) => [k, lists[k]!]));
}
