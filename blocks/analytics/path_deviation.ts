// roboflow_core/path_deviation_analytics@v1/@v2: discrete Fréchet distance between each tracked object's
// accumulated anchor trajectory (per video) and a reference path, as `path_deviation`. v1 takes the video
// metadata separately, v2 reads it from the image.
import {
  Detections,
  WorkflowExecutionEngineError,
  WorkflowImage,
  defineBlock,
  literalOrSelector,
  selector,
  type BlockDefinition,
  type JsonSchema,
  type VideoMetadata,
} from '../../engine/index.ts';
import { videoOf } from '../common/video.ts';
import { ANCHORS, anchorOf, requireTracked } from '../common/zones.ts';

interface Params {
  image?: WorkflowImage;
  metadata?: VideoMetadata;
  detections: Detections;
  triggering_anchor: string;
  reference_path: number[][];
}

/** Discrete Fréchet distance between two polylines (iterative dynamic programme). */
export function frechetDistance(a: readonly number[][], b: readonly number[][]): number {
  if (a.length === 0 || b.length === 0) return Infinity;
  let previous = new Float64Array(b.length);
  let current = new Float64Array(b.length);
  const d = (i: number, j: number) => Math.hypot(a[i]![0]! - b[j]![0]!, a[i]![1]! - b[j]![1]!);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const here = d(i, j);
      if (i === 0 && j === 0) current[j] = here;
      else if (i === 0) current[j] = Math.max(current[j - 1]!, here);
      else if (j === 0) current[j] = Math.max(previous[0]!, here);
      else current[j] = Math.max(Math.min(previous[j]!, previous[j - 1]!, current[j - 1]!), here);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length - 1]!;
}

function asPath(value: unknown, step: string): number[][] {
  const ok =
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number'));
  if (!ok)
    throw new WorkflowExecutionEngineError(
      `Step ${step}: reference_path must be a list of at least 2 [x, y] points, got ${JSON.stringify(value)?.slice(0, 100)}`,
    );
  return value as number[][];
}

function pathDeviationBlock(version: 'v1' | 'v2'): BlockDefinition<Params> {
  const frameSource: Record<string, JsonSchema> =
    version === 'v1'
      ? {
          metadata: selector(
            ['video_metadata'],
            { title: 'Video Metadata', description: 'Metadata of the video (video_identifier keeps paths apart).' },
            { selectedElement: 'workflow_video_metadata' },
          ),
        }
      : {
          image: selector(
            ['image'],
            { title: 'Image', description: 'Video frame whose video metadata keeps paths of different videos apart.' },
            { selectedElement: 'workflow_image' },
          ),
        };
  return defineBlock<Params>({
    manifest: {
      type: `roboflow_core/path_deviation_analytics@${version}`,
      humanName: 'Path Deviation',
      version,
      blockType: 'analytics',
      cacheable: false, // keeps state between runs (step output cache must not reuse it)
      shortDescription: 'Calculate Fréchet distance of object from the reference path.',
      longDescription:
        "Accumulates each tracked object's anchor point across frames and attaches path_deviation: the Fréchet distance (pixels) between that trajectory and reference_path.",
      ui: { section: 'video', icon: 'far fa-road', blockPriority: 3 },
      properties: {
        ...frameSource,
        detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
          description: 'Tracked detections (with tracker ids).',
          examples: ['$steps.object_detection_model.predictions'],
        }),
        triggering_anchor: literalOrSelector({ type: 'string', enum: ANCHORS }, ['string'], {
          description: 'Point of the box tracked along the path.',
          default: 'CENTER',
          examples: ['CENTER'],
        }),
        reference_path: literalOrSelector({ type: 'array' }, ['list_of_values'], {
          description: 'Expected path: at least 2 [x, y] points in order.',
          examples: [
            [
              [100, 200],
              [200, 300],
              [300, 400],
            ],
            '$inputs.expected_path',
          ],
        }),
      },
      required: [version === 'v1' ? 'metadata' : 'image', 'detections', 'reference_path'],
      detectionColumns: ['path_deviation'],
      outputs: [
        {
          name: 'path_deviation_detections',
          kind: ['object_detection_prediction', 'instance_segmentation_prediction'],
        },
      ],
      executionEngineCompatibility: version === 'v1' ? '>=1.0.0,<2.0.0' : '>=1.2.0,<2.0.0',
    },
    run(p, context) {
      const ids = requireTracked(p.detections, context.stepName);
      const reference = asPath(p.reference_path, context.stepName);
      const key = `${context.stepName}:paths:${videoOf(p.image, p.metadata).id}`;
      let paths = context.state.get(key) as Map<number, number[][]> | undefined;
      if (!paths) context.state.set(key, (paths = new Map()));
      const deviation = Array.from(ids, (id, i) => {
        const path = paths!.get(id) ?? [];
        path.push(anchorOf(p.detections, i, p.triggering_anchor ?? 'CENTER'));
        paths!.set(id, path);
        return frechetDistance(path, reference);
      });
      return { path_deviation_detections: p.detections.with({ data: { path_deviation: deviation } }) };
    },
  });
}

export const pathDeviationV1 = pathDeviationBlock('v1');
export const pathDeviationV2 = pathDeviationBlock('v2');
