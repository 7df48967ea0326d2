// Multi-object tracking by detection shared by the trackers: Kalman-predicted tracks are paired with the frame's
// detections by IoU (optimal assignment), in one stage (SORT) or two (ByteTrack: confident detections first,
// then weak ones against the tracks left over). OC-SORT adds direction momentum to the first stage's score and
// a recovery stage on last observations; BoT-SORT holds unconfirmed tracks back for a stage of their own.
import type { Detections } from '../../engine/index.ts';
import { maximumAssignment } from './assignment.ts';
import { iou } from '../common/detections-utils.ts';
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
  /**
   * OC-SORT's observation-centric momentum: the first stage maximises IoU + weight * confidence * consistency,
   * consistency being how well the direction from a track's observation deltaT frames back to the detection
   * agrees with the track's observed direction ((pi/2 - angle) / pi). Matches still need minimumIou of IoU.
   */
  momentum?: { weight: number; deltaT: number };
  /** OC-SORT's observation-centric recovery: leftover tracks' last observations meet leftover confident detections. */
  observationRecovery?: boolean;
  /**
   * BoT-SORT's unconfirmed stage: tracks without an id yet stay out of the first two stages; the confident
   * detections left over then meet them at this IoU.
   */
  unconfirmedIou?: number;
}

type Box = [number, number, number, number];

interface Track {
  filter: KalmanBox;
  id: number;
  hits: number;
  missed: number;
  /** Recent observed boxes with their frame numbers (oldest first), kept for OC-SORT. */
  observations: Array<{ frame: number; box: Box }>;
  /** Unit direction [dy, dx] of the track's observed motion; null until it has moved between observations. */
  direction: [number, number] | null;
}

const centre = (b: ArrayLike<number>, i = 0): [number, number] => [
  (b[i * 4]! + b[i * 4 + 2]!) / 2,
  (b[i * 4 + 1]! + b[i * 4 + 3]!) / 2,
];

/** Unit vector [dy, dx] from the centre of box a to the centre of box b (detection i of b). */
function unitDirection(a: ArrayLike<number>, b: ArrayLike<number>, bi = 0): [number, number] {
  const [ax, ay] = centre(a);
  const [bx, by] = centre(b, bi);
  const norm = Math.hypot(bx - ax, by - ay) + 1e-6;
  return [(by - ay) / norm, (bx - ax) / norm];
}

export class MultiObjectTracker {
  #tracks: Track[] = [];
  #nextId: () => number;
  #frame = 0;

  constructor(
    readonly config: TrackerConfig,
    nextId: () => number,
  ) {
    this.#nextId = nextId;
  }

  /** The observation deltaT frames back (the nearest later one when missing), else the latest. */
  #previousObservation(track: Track, deltaT: number): Box {
    for (let dt = deltaT; dt >= 1; dt--) {
      const seen = track.observations.find((o) => o.frame === this.#frame - dt);
      if (seen) return seen.box;
    }
    return track.observations[track.observations.length - 1]!.box;
  }

  // Long on purpose: the association stages of the tracking algorithm, in the order the algorithm defines them.
  /** Tracker id per detection row (-1: not tracked, or its track is not confirmed yet). */
  update(detections: Detections): Int32Array {
    const cfg = this.config;
    this.#frame += 1;
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
    const separateUnconfirmed = cfg.unconfirmedIou !== undefined;
    let freeTracks: number[] = [];
    let unconfirmed: number[] = [];
    this.#tracks.forEach((t, i) => (separateUnconfirmed && t.id === -1 ? unconfirmed : freeTracks).push(i));
    const momentum = cfg.momentum && cfg.momentum.weight !== 0 ? cfg.momentum : null;

    /** Pairs `rows` with `candidates` (indices into the tracks); returns the rows and candidates left over. */
    const associate = (
      rows: number[],
      candidates: number[],
      threshold: number,
      boxes: Float32Array,
      withMomentum: boolean,
    ): [number[], number[]] => {
      const overlap = candidates.map((t) => Float64Array.from(rows, (d) => iou(boxes, t, detections.xyxy, d)));
      let score = overlap;
      if (withMomentum && momentum) {
        score = candidates.map((t, r) => {
          const track = this.#tracks[t]!;
          const row = Float64Array.from(overlap[r]!);
          if (!track.direction) return row;
          const [vy, vx] = track.direction;
          const previous = this.#previousObservation(track, momentum.deltaT);
          rows.forEach((d, c) => {
            const [dy, dx] = unitDirection(previous, detections.xyxy, d);
            const angle = Math.acos(Math.max(-1, Math.min(1, vx * dx + vy * dy)));
            row[c]! += momentum.weight * detections.confidence[d]! * ((Math.PI / 2 - angle) / Math.PI);
          });
          return row;
        });
      }
      const taken = new Set<number>();
      const usedTracks = new Set<number>();
      for (const [r, c] of maximumAssignment(score, rows.length)) {
        if (overlap[r]![c]! < threshold || overlap[r]![c]! <= 0) continue;
        matched.set(rows[c]!, this.#tracks[candidates[r]!]!);
        taken.add(rows[c]!);
        usedTracks.add(candidates[r]!);
      }
      return [rows.filter((d) => !taken.has(d)), candidates.filter((t) => !usedTracks.has(t))];
    };
    let unmatchedConfident: number[];
    [unmatchedConfident, freeTracks] = associate(confident, freeTracks, cfg.minimumIou, predicted, true);
    if (cfg.weakDetectionIou !== null && weak.length)
      [, freeTracks] = associate(weak, freeTracks, cfg.weakDetectionIou, predicted, false);
    if (cfg.observationRecovery && unmatchedConfident.length && freeTracks.length) {
      const lastSeen = new Float32Array(this.#tracks.length * 4);
      this.#tracks.forEach((t, i) => lastSeen.set(t.observations[t.observations.length - 1]!.box, i * 4));
      [unmatchedConfident, freeTracks] = associate(unmatchedConfident, freeTracks, cfg.minimumIou, lastSeen, false);
    }
    if (separateUnconfirmed && unmatchedConfident.length && unconfirmed.length) {
      [unmatchedConfident, unconfirmed] = associate(
        unmatchedConfident,
        unconfirmed,
        cfg.unconfirmedIou!,
        predicted,
        false,
      );
    }

    for (const [row, track] of matched) {
      const box = detections.box(row);
      track.filter.update(box);
      track.hits += 1;
      track.missed = 0;
      if (momentum) {
        const previous = this.#previousObservation(track, momentum.deltaT);
        track.direction = unitDirection(previous, box);
      }
      track.observations.push({ frame: this.#frame, box });
      if (track.observations.length > (momentum?.deltaT ?? 0) + 1) track.observations.shift();
    }
    const continued = new Set(matched.values());
    for (const track of this.#tracks) if (!continued.has(track)) track.missed += 1;
    const spawned = new Map<number, Track>();
    for (const row of unmatchedConfident) {
      if (detections.confidence[row]! < cfg.activation) continue;
      const box = detections.box(row);
      const track: Track = {
        filter: new KalmanBox(box),
        id: -1,
        hits: 1,
        missed: 0,
        observations: [{ frame: this.#frame, box }],
        direction: null,
      };
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
