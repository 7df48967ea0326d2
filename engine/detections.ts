/**
 * Detections as struct-of-arrays (the shape of supervision's sv.Detections): boxes, scores and class ids in
 * typed arrays, optional dense masks, and per-detection metadata columns in `data`.
 *
 * Standard `data` columns (Roboflow's names, docs/roboflow-compatibility.md#kinds): class_name, detection_id, parent_id, image_dimensions
 * ([h, w]), inference_id, prediction_type, root_parent_id, root_parent_coordinates ([x, y]),
 * root_parent_dimensions ([h, w]), parent_coordinates ([x, y]), parent_dimensions ([h, w]),
 * scaling_relative_to_parent, scaling_relative_to_root_parent; keypoint models add keypoints_xy
 * ([[x, y], ...]), keypoints_class_id, keypoints_class_name, keypoints_confidence; trackers add tracker ids in
 * `trackerId`; other blocks add their own columns (time_in_zone, velocity, ...).
 */
export class Detections {
  constructor(
    /** n*4 floats: x_min, y_min, x_max, y_max in pixels of the image the detections belong to. */
    readonly xyxy: Float32Array,
    readonly confidence: Float32Array,
    readonly classId: Int32Array,
    readonly data: Record<string, unknown[]> = {},
    /** One mask per detection, each maskShape[0]*maskShape[1] bytes (0 or 1), or null without masks. */
    readonly masks: Uint8Array[] | null = null,
    readonly maskShape: readonly [height: number, width: number] | null = null,
    readonly trackerId: Int32Array | null = null,
  ) {
    const n = confidence.length;
    if (xyxy.length !== n * 4 || classId.length !== n) throw new Error('Detections arrays differ in length');
    for (const [key, column] of Object.entries(data)) {
      if (column.length !== n) throw new Error(`Detections data column ${key} has ${column.length} rows, not ${n}`);
    }
    if (masks && masks.length !== n) throw new Error('Detections masks differ in length');
  }

  static empty(): Detections {
    return new Detections(new Float32Array(0), new Float32Array(0), new Int32Array(0));
  }

  get length(): number {
    return this.confidence.length;
  }

  box(i: number): [number, number, number, number] {
    const b = this.xyxy;
    return [b[i * 4]!, b[i * 4 + 1]!, b[i * 4 + 2]!, b[i * 4 + 3]!];
  }

  column<T = unknown>(key: string): T[] | undefined {
    return this.data[key] as T[] | undefined;
  }

  /** Value of a data column for one detection. */
  get<T = unknown>(key: string, i: number): T | undefined {
    return this.data[key]?.[i] as T | undefined;
  }

  /** A new Detections holding the given rows, in the given order. */
  select(rows: readonly number[]): Detections {
    const n = rows.length;
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const trackerId = this.trackerId ? new Int32Array(n) : null;
    rows.forEach((r, i) => {
      xyxy.set(this.xyxy.subarray(r * 4, r * 4 + 4), i * 4);
      confidence[i] = this.confidence[r]!;
      classId[i] = this.classId[r]!;
      if (trackerId) trackerId[i] = this.trackerId![r]!;
    });
    const data: Record<string, unknown[]> = {};
    for (const [key, column] of Object.entries(this.data)) data[key] = rows.map((r) => column[r]);
    const masks = this.masks ? rows.map((r) => this.masks![r]!) : null;
    return new Detections(xyxy, confidence, classId, data, masks, this.maskShape, trackerId);
  }

  filter(keep: (i: number) => boolean): Detections {
    const rows: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) rows.push(i);
    return rows.length === this.length ? this : this.select(rows);
  }

  /** Copy with some fields replaced; data columns given in `data` are merged over the existing ones. */
  with(changes: {
    xyxy?: Float32Array;
    confidence?: Float32Array;
    classId?: Int32Array;
    data?: Record<string, unknown[]>;
    masks?: Uint8Array[] | null;
    maskShape?: readonly [number, number] | null;
    trackerId?: Int32Array | null;
  }): Detections {
    return new Detections(
      changes.xyxy ?? this.xyxy,
      changes.confidence ?? this.confidence,
      changes.classId ?? this.classId,
      changes.data ? { ...this.data, ...changes.data } : this.data,
      changes.masks !== undefined ? changes.masks : this.masks,
      changes.maskShape !== undefined ? changes.maskShape : this.maskShape,
      changes.trackerId !== undefined ? changes.trackerId : this.trackerId,
    );
  }

  /** Concatenate; columns missing in some parts are filled with undefined, masks kept only if all have them. */
  static merge(parts: readonly Detections[]): Detections {
    const nonEmpty = parts.filter((p) => p.length > 0);
    if (nonEmpty.length === 0) return parts[0] ?? Detections.empty();
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const n = nonEmpty.reduce((s, p) => s + p.length, 0);
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const withTracker = nonEmpty.every((p) => p.trackerId);
    const trackerId = withTracker ? new Int32Array(n) : null;
    const keys = new Set(nonEmpty.flatMap((p) => Object.keys(p.data)));
    const data: Record<string, unknown[]> = {};
    for (const k of keys) data[k] = [];
    const withMasks =
      nonEmpty.every((p) => p.masks) &&
      nonEmpty.every(
        (p) => p.maskShape?.[0] === nonEmpty[0]!.maskShape?.[0] && p.maskShape?.[1] === nonEmpty[0]!.maskShape?.[1],
      );
    const masks: Uint8Array[] | null = withMasks ? [] : null;
    let offset = 0;
    for (const p of nonEmpty) {
      xyxy.set(p.xyxy, offset * 4);
      confidence.set(p.confidence, offset);
      classId.set(p.classId, offset);
      if (trackerId) trackerId.set(p.trackerId!, offset);
      for (const k of keys) {
        const column = p.data[k];
        for (let i = 0; i < p.length; i++) data[k]!.push(column ? column[i] : undefined);
      }
      if (masks) masks.push(...p.masks!);
      offset += p.length;
    }
    return new Detections(xyxy, confidence, classId, data, masks, withMasks ? nonEmpty[0]!.maskShape : null, trackerId);
  }
}

export function isDetections(value: unknown): value is Detections {
  return value instanceof Detections;
}
