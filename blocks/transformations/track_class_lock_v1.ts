// roboflow_core/track_class_lock@v1: per tracked object, votes of confident frames lock a class (min_votes and a
// lead of lead_margin over the runner-up); a lock changes only after switch_after consecutive confident frames
// of one challenger; a new tracker id appearing where a locked track vanished (reattach_window, reattach_iou)
// inherits its lock. State lives per video_identifier in the step's state.
import {
  DETECTION_KINDS_WITH_RLE,
  Detections,
  WorkflowExecutionEngineError,
  WorkflowImage,
  defineBlock,
  type StepContext,
} from '../../engine/index.ts';
import { iou } from '../common/detections-utils.ts';
import { numberProperty, trackerInputs, videoOf } from './tracker-step.ts';
import { requireTracked } from '../common/zones.ts';

interface Params {
  image: WorkflowImage;
  detections: Detections;
  min_votes: number;
  vote_confidence: number;
  lead_margin: number;
  switch_after: number;
  state_ttl: number;
  reattach_window: number;
  reattach_iou: number;
}

interface TrackVotes {
  votes: Map<string, number>;
  confidenceSum: Map<string, number>;
  classIds: Map<string, number>;
  locked: string | null;
  lastSeen: number;
  lastBox: Float32Array;
  challenger: string | null;
  streak: number;
  streakConfidence: number;
}

interface VideoVotes {
  frame: number;
  tracks: Map<number, TrackVotes>;
}

// Per-video state is bounded: crops carry a video_identifier each, which would otherwise grow state forever.
const MAX_VIDEOS = 256;

function checked(step: string, name: string, value: number, min: number, max = Infinity): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new WorkflowExecutionEngineError(`Step ${step}: ${name} must be within [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** A recently lost locked track (not present in this frame) whose last box overlaps `row` best. */
function lockToInherit(
  video: VideoVotes,
  d: Detections,
  row: number,
  present: Set<number>,
  window: number,
  minIou: number,
): number | null {
  let best: number | null = null;
  let bestIou = 0;
  for (const [id, track] of video.tracks) {
    if (present.has(id) || track.locked === null) continue;
    const gap = video.frame - track.lastSeen;
    if (gap < 1 || gap > window) continue;
    const overlap = iou(track.lastBox, 0, d.xyxy, row);
    if (overlap >= minIou && overlap > bestIou) [best, bestIou] = [id, overlap];
  }
  return best;
}

function videoState(context: StepContext, videoId: string): VideoVotes {
  const key = `${context.stepName}:class-lock`;
  let videos = context.state.get(key) as Map<string, VideoVotes> | undefined;
  if (!videos) context.state.set(key, (videos = new Map()));
  let video = videos.get(videoId);
  // Re-inserting keeps the map in least-recently-seen order for eviction.
  if (video) videos.delete(videoId);
  else video = { frame: 0, tracks: new Map() };
  videos.set(videoId, video);
  while (videos.size > MAX_VIDEOS) videos.delete(videos.keys().next().value!);
  return video;
}

export const trackClassLockV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/track_class_lock@v1',
    humanName: 'Track Class Lock',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Lock the class of each tracked object by majority voting to eliminate class flicker.',
    longDescription:
      'Locks the class label of each tracked object by majority voting. Before a lock, every frame with confidence >= vote_confidence votes for its class; a class locks once it has min_votes votes and leads the runner-up by lead_margin. Locked tracks carry the locked class and the mean confidence of its counted votes. A lock changes only after switch_after consecutive qualifying frames of the same challenger. A new tracker id appearing within reattach_window frames where a locked track vanished (IoU >= reattach_iou) inherits the lock. Tracks unseen for state_ttl frames are forgotten. Each detection gets a boolean class_locked column. Needs tracker ids (place after a tracker).',
    ui: { section: 'video', icon: 'fas fa-lock', blockPriority: 5 },
    properties: {
      ...trackerInputs([...DETECTION_KINDS_WITH_RLE]),
      min_votes: numberProperty(
        'Min Votes',
        'Cumulative qualifying votes a class needs before the initial lock.',
        10,
        'integer',
      ),
      vote_confidence: numberProperty(
        'Vote Confidence',
        'Minimum prediction confidence for a frame to count (votes and challenger streaks).',
        0.8,
        'float_zero_to_one',
      ),
      lead_margin: numberProperty(
        'Lead Margin',
        'Votes by which the top class must lead the runner-up before locking.',
        3,
        'integer',
      ),
      switch_after: numberProperty(
        'Switch After',
        'Consecutive qualifying frames of one challenger class needed to change a lock.',
        15,
        'integer',
      ),
      state_ttl: numberProperty(
        'State TTL',
        'Frames after which the state of an unseen track is purged.',
        300,
        'integer',
      ),
      reattach_window: numberProperty(
        'Reattach Window',
        'Frames within which a new tracker id can inherit a vanished locked track (0 disables).',
        30,
        'integer',
      ),
      reattach_iou: numberProperty(
        'Reattach IoU',
        "Minimum IoU between a new detection and a lost locked track's last box to inherit its lock.",
        0.3,
        'float_zero_to_one',
      ),
    },
    required: ['image', 'detections'],
    outputs: [{ name: 'tracked_detections', kind: [...DETECTION_KINDS_WITH_RLE] }],
  },
  // Long on purpose: one frame's lock / reattach / expiry bookkeeping, which shares the per-video state.
  run(p, context) {
    const step = context.stepName;
    const minVotes = checked(step, 'min_votes', Number(p.min_votes ?? 10), 1);
    const voteConfidence = checked(step, 'vote_confidence', Number(p.vote_confidence ?? 0.8), 0, 1);
    const leadMargin = checked(step, 'lead_margin', Number(p.lead_margin ?? 3), 0);
    const switchAfter = checked(step, 'switch_after', Number(p.switch_after ?? 15), 1);
    const stateTtl = checked(step, 'state_ttl', Number(p.state_ttl ?? 300), 1);
    const reattachWindow = checked(step, 'reattach_window', Number(p.reattach_window ?? 30), 0, stateTtl);
    const reattachIou = checked(step, 'reattach_iou', Number(p.reattach_iou ?? 0.3), 0, 1);
    const d = p.detections;
    const trackerIds = requireTracked(d, step);
    const video = videoState(context, videoOf(p.image).id);
    video.frame += 1;
    const frame = video.frame;
    const n = d.length;
    const names = d.column<string>('class_name')?.slice();
    const classId = Int32Array.from(d.classId);
    const confidence = Float32Array.from(d.confidence);
    const locked = new Array<boolean>(n).fill(false);
    const present = new Set(Array.from(trackerIds).filter((t) => t >= 0));

    for (let i = 0; i < n; i++) {
      const tid = trackerIds[i]!;
      if (tid < 0) continue;
      if (!video.tracks.has(tid)) {
        const heir = lockToInherit(video, d, i, present, reattachWindow, reattachIou);
        if (heir !== null) {
          video.tracks.set(tid, video.tracks.get(heir)!);
          video.tracks.delete(heir);
        }
      }
      let st = video.tracks.get(tid);
      if (!st) {
        st = {
          votes: new Map(),
          confidenceSum: new Map(),
          classIds: new Map(),
          locked: null,
          lastSeen: frame,
          lastBox: new Float32Array(4),
          challenger: null,
          streak: 0,
          streakConfidence: 0,
        };
        video.tracks.set(tid, st);
      }
      st.lastSeen = frame;
      st.lastBox = d.xyxy.slice(i * 4, i * 4 + 4);
      const name = names ? String(names[i]) : String(classId[i]);
      const conf = confidence[i]!;
      const qualifying = conf >= voteConfidence;
      if (st.locked === null) {
        if (qualifying) {
          st.votes.set(name, (st.votes.get(name) ?? 0) + 1);
          st.confidenceSum.set(name, (st.confidenceSum.get(name) ?? 0) + conf);
          st.classIds.set(name, classId[i]!);
        }
        // Ties keep the class that voted first (insertion order), as a stable sort would.
        const ranked = [...st.votes].sort((a, b) => b[1] - a[1]);
        if (ranked.length) {
          const [top, topVotes] = ranked[0]!;
          const runnerUp = ranked[1]?.[1] ?? 0;
          if (topVotes >= minVotes && topVotes - runnerUp >= leadMargin) st.locked = top;
        }
      } else if (qualifying && name !== st.locked) {
        if (name === st.challenger) {
          st.streak += 1;
          st.streakConfidence += conf;
        } else {
          [st.challenger, st.streak, st.streakConfidence] = [name, 1, conf];
          st.classIds.set(name, classId[i]!);
        }
        if (st.streak >= switchAfter) {
          st.locked = st.challenger;
          st.votes = new Map([[st.locked!, st.streak]]);
          st.confidenceSum = new Map([[st.locked!, st.streakConfidence]]);
          [st.challenger, st.streak, st.streakConfidence] = [null, 0, 0];
        }
      } else {
        [st.challenger, st.streak, st.streakConfidence] = [null, 0, 0];
      }
      if (st.locked !== null) {
        if (names) names[i] = st.locked;
        const lockedId = st.classIds.get(st.locked);
        if (lockedId !== undefined) classId[i] = lockedId;
        confidence[i] = Math.min(1, (st.confidenceSum.get(st.locked) ?? 0) / Math.max(st.votes.get(st.locked) ?? 0, 1));
        locked[i] = true;
      }
    }
    for (const [id, st] of video.tracks) if (frame - st.lastSeen > stateTtl) video.tracks.delete(id);
    const data: Record<string, unknown[]> = { class_locked: locked };
    if (names) data.class_name = names;
    return { tracked_detections: d.with({ classId, confidence, data }) };
  },
});
