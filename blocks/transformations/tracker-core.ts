// Multi-object tracking by detection shared by the SORT and ByteTrack blocks: Kalman-predicted tracks are paired
// with the frame's detections by IoU (optimal assignment), in one stage (SORT) or two (ByteTrack: confident
// detections first, then weak ones against the tracks left over).
import type { Detections } from '../../engine/index.ts';
import { maximumAssignment } from './assignment.ts';
import { iou } from './detections-utils.ts';
import { KalmanBox } from './kalman-box.ts';

export interface TrackerConfig {
  /** IoU a confident detection needs with a track's prediction to continue it. */
  minimumIou: number;
  /** ByteTrack's second stage: IoU a weak detection needs with a leftover track; null = single stage. */
  weakDetectionIou: number | null;
  /** Detections at or above this confidence are confident (first stage); below are weak. */
  highConfidence: number;
  /** Weak detections below this are ignored altogether. */
  lowConfidenceFloor: number;
  /** Confidence an unmatched detection needs to start a track. */
  activation: number;
  /** Matches a track needs before it gets an id (and appears in the output). */
  minimumConsecutiveFrames: number;
  /** Frames a track survives without a match. */
  maxFramesWithoutUpdate: number;
  /** A new track whose first detection already satisfies minimumConsecutiveFrames gets its id at once. */
  idOnSpawn: boolean;
}

interface Track {
  filter: KalmanBox;
  id: number;
  hits: number;
  missed: number;
}

export class MultiObjectTracker {
  #tracks: Track[] = [];
  #nextId: () => number;

  constructor(readonly config: TrackerConfig, nextId: () => number) {
    this.#nextId = nextId;
  }

  /** Tracker id per detection row (-1: not tracked, or its track is not confirmed yet). */
  update(detections: Detections): Int32Array {
    const cfg = this.config;
    const ids = new Int32Array(detections.length).fill(-1);
    for (const track of this.#tracks) track.filter.predict(track.missed);
    const predicted = new Float32Array(this.#tracks.length * 4);
    this.#tracks.forEach((t, i) => predicted.set(t.filter.box(), i * 4));

    const confident: number[] = [];
    const weak: number[] = [];
    for (let i = 0; i < detections.length; i++) {
      const c = detections.confidence[i]!;
      if (cfg.weakDetectionIou === null || c >= cfg.highConfidence) confident.push(i);
      else if (c >= cfg.lowConfidenceFloor) weak.push(i);
    }
    const matched = new Map<number, Track>();
    const freeTracks = this.#tracks.map((_, i) => i);
    const associate = (rows: number[], threshold: number): number[] => {
      const score = freeTracks.map((t) => Float64Array.from(rows, (d) => iou(predicted, t, detections.xyxy, d)));
      const taken = new Set<number>();
      const usedTracks = new Set<number>();
      for (const [r, c] of maximumAssignment(score, rows.length)) {
        if (score[r]![c]! < threshold || score[r]![c]! <= 0) continue;
        matched.set(rows[c]!, this.#tracks[freeTracks[r]!]!);
        taken.add(rows[c]!);
        usedTracks.add(freeTracks[r]!);
      }
      for (let k = freeTracks.length - 1; k >= 0; k--) if (usedTracks.has(freeTracks[k]!)) freeTracks.splice(k, 1);
      return rows.filter((d) => !taken.has(d));
    };
    const unmatchedConfident = associate(confident, cfg.minimumIou);
    if (cfg.weakDetectionIou !== null && weak.length) associate(weak, cfg.weakDetectionIou);

    for (const [row, track] of matched) {
      track.filter.update(detections.box(row));
      track.hits += 1;
      track.missed = 0;
    }
    const continued = new Set(matched.values());
    for (const track of this.#tracks) if (!continued.has(track)) track.missed += 1;
    const spawned = new Map<number, Track>();
    for (const row of unmatchedConfident) {
      if (detections.confidence[row]! < cfg.activation) continue;
      const track: Track = { filter: new KalmanBox(detections.box(row)), id: -1, hits: 1, missed: 0 };
      this.#tracks.push(track);
      if (cfg.idOnSpawn) spawned.set(row, track);
    }
    // Tracks lost too long, or never confirmed and not seen this frame, end.
    this.#tracks = this.#tracks.filter(
      (t) => t.missed < cfg.maxFramesWithoutUpdate && (t.hits >= cfg.minimumConsecutiveFrames || t.missed === 0),
    );
    for (const [row, track] of [...matched, ...spawned].sort((a, b) => a[0] - b[0])) {
      if (track.hits < cfg.minimumConsecutiveFrames) continue;
      if (track.id === -1) track.id = this.#nextId();
      ids[row] = track.id;
    }
    return ids;
  }

  get trackCount(): number {
    return this.#tracks.length;
  }
}
