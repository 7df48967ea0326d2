// roboflow_core/overlap@v1: keeps the detections that overlap a detection of overlap_class_name (their centre
// inside it, or any box overlap); the overlapping class itself is not output.
import { Detections, defineBlock, literal, selector } from '../../engine/index.ts';

interface Params {
  /** Ignored (not in the manifest); older definitions and callers still pass it. */
  image?: unknown;
  predictions: Detections;
  overlap_type: 'Center Overlap' | 'Any Overlap';
  overlap_class_name: string;
}

function overlaps(outer: readonly number[], inner: readonly number[], type: string): boolean {
  if (type === 'Center Overlap') {
    const x = (inner[0]! + inner[2]!) / 2;
    const y = (inner[1]! + inner[3]!) / 2;
    return x > outer[0]! && x < outer[2]! && y > outer[1]! && y < outer[3]!;
  }
  return !(inner[2]! < outer[0]! || inner[0]! > outer[2]! || inner[3]! < outer[1]! || inner[1]! > outer[3]!);
}

export const overlapV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/overlap@v1',
    aliases: ['Overlap'],
    humanName: 'Overlap Filter',
    version: 'v1',
    blockType: 'analytics',
    shortDescription: 'Filter objects overlapping some other class',
    ui: { icon: 'far fa-square-o', blockPriority: 1 },
    properties: {
      // Roboflow's current manifest has no `image` (early versions required one); a step that still writes
      // it is accepted and the key ignored.
      predictions: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        title: 'Predictions',
        description: 'Object predictions',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      overlap_type: literal(
        { type: 'string', enum: ['Center Overlap', 'Any Overlap'] },
        { title: 'Overlap Type', description: 'Overlap Type.', default: 'Center Overlap' },
      ),
      overlap_class_name: literal(
        { type: 'string' },
        { title: 'Overlap Class Name', description: 'Overlap Class Name' },
      ),
    },
    required: ['predictions', 'overlap_class_name'],
    outputs: [{ name: 'overlaps', kind: ['object_detection_prediction'] }],
  },
  run({ predictions, overlap_type, overlap_class_name }) {
    const names = predictions.column<string>('class_name') ?? [];
    const outers: number[] = [];
    const others: number[] = [];
    for (let i = 0; i < predictions.length; i++) (names[i] === overlap_class_name ? outers : others).push(i);
    const keep = others.filter((j) =>
      outers.some((o) => overlaps(predictions.box(o), predictions.box(j), overlap_type ?? 'Center Overlap')),
    );
    return { overlaps: predictions.select(keep) };
  },
});
