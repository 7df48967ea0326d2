import { literalOrSelector } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import { drawLabels, PX_PER_TEXT_SCALE, type Label, type Point } from '../common/draw/index.ts';
import { colorProperty, defineVisualization, enumProperty, floatProperty, intProperty } from './common.ts';

// COCO-17 skeleton (1-based indices as in COCO's annotation files), used when `edges` is not given.
const COCO_EDGES: Array<[number, number]> = [
  [16, 14],
  [14, 12],
  [17, 15],
  [15, 13],
  [12, 13],
  [6, 12],
  [7, 13],
  [6, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [9, 11],
  [2, 3],
  [1, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
];

function readEdges(value: unknown, keypointCount: number): Array<[number, number]> {
  if (Array.isArray(value) && value.length > 0) {
    return value
      .filter((e): e is [number, number] => Array.isArray(e) && e.length >= 2)
      .map(([a, b]) => [Number(a), Number(b)]);
  }
  // COCO's edges are 1-based; make them 0-based.
  return keypointCount === 17 ? COCO_EDGES.map(([a, b]) => [a - 1, b - 1]) : [];
}

export const keypointVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/keypoint_visualization@v1',
    aliases: ['KeypointVisualization'],
    humanName: 'Keypoint Visualization',
    shortDescription: 'Draw keypoints on detected objects in an image.',
    icon: 'far fa-braille',
    predictionKinds: ['keypoint_detection_prediction'],
    executionEngineCompatibility: '>=1.2.0,<2.0.0',
    properties: {
      annotator_type: {
        type: 'string',
        enum: ['edge', 'vertex', 'vertex_label'],
        title: 'Annotator Type',
        description: 'Type of annotator to be used for keypoint visualization.',
        default: 'edge',
      },
      color: colorProperty('Color', 'Color of the keypoints and edges.', '#A351FB'),
      text_color: colorProperty('Text Color', 'Text color of the keypoint labels.', 'black'),
      text_scale: floatProperty('Text Scale', 'Scale of the text.', 0.5),
      text_thickness: intProperty('Text Thickness', 'Thickness of the text characters.', 1),
      text_padding: intProperty('Text Padding', 'Padding around the text in pixels.', 10),
      thickness: intProperty('Thickness', 'Thickness of the edges in pixels.', 2),
      radius: intProperty('Radius', 'Radius of the keypoint vertices in pixels.', 10),
      edges: literalOrSelector(
        { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
        ['list_of_values'],
        {
          title: 'Edges',
          description: 'Pairs of 0-based keypoint indices to connect (defaults to the COCO skeleton for 17 keypoints).',
          examples: [
            [
              [0, 1],
              [1, 2],
            ],
            '$inputs.edges',
          ],
        },
      ),
    },
  },
  async (canvas, params, context) => {
    const detections = params.predictions!;
    const color = requireColor(params.color ?? '#A351FB', context.stepName, 'color');
    const type = String(params.annotator_type ?? 'edge');
    const labels: Label[] = [];
    for (let i = 0; i < detections.length; i++) {
      const xy = (detections.get<number[][]>('keypoints_xy', i) ?? []) as number[][];
      const conf = detections.get<number[]>('keypoints_confidence', i) ?? [];
      const names = detections.get<string[]>('keypoints_class_name', i) ?? [];
      const visible = (k: number) => xy[k] !== undefined && (conf[k] ?? 1) > 0 && !(xy[k]![0] === 0 && xy[k]![1] === 0);
      if (type === 'edge') {
        for (const [a, b] of readEdges(params.edges, xy.length)) {
          if (visible(a) && visible(b))
            canvas.line(xy[a] as unknown as Point, xy[b] as unknown as Point, color, Number(params.thickness ?? 2));
        }
      } else {
        for (let k = 0; k < xy.length; k++) {
          if (!visible(k)) continue;
          if (type === 'vertex') canvas.fillCircle(xy[k]![0]!, xy[k]![1]!, Number(params.radius ?? 10), color);
          else
            labels.push({
              text: names[k] ?? String(k),
              anchor: [xy[k]![0]!, xy[k]![1]!],
              position: 'CENTER',
              background: color,
              textColor: requireColor(params.text_color ?? 'black', context.stepName, 'text_color'),
            });
        }
      }
    }
    if (labels.length) {
      await drawLabels(canvas, labels, {
        fontPx: PX_PER_TEXT_SCALE * Number(params.text_scale ?? 0.5),
        padding: Number(params.text_padding ?? 10),
      });
    }
  },
);
