// roboflow_core/detections_filter@v1: keeps detections matching a UQL filter.
import { defineBlock } from '../../engine/index.ts';
import {
  detectionsOperationsManifest,
  runDetectionsOperations,
  type DetectionsOperationsParams,
} from './detections_operations.ts';

export const detectionsFilterV1 = defineBlock<DetectionsOperationsParams>({
  manifest: detectionsOperationsManifest(
    {
      type: 'roboflow_core/detections_filter@v1',
      aliases: ['DetectionsFilter'],
      humanName: 'Detections Filter',
      shortDescription: 'Conditionally filter out model predictions.',
      ui: { section: 'flow_control', icon: 'far fa-filter' },
    },
    [
      {
        type: 'DetectionsFilter',
        filter_operation: {
          type: 'StatementGroup',
          operator: 'and',
          statements: [
            {
              type: 'BinaryStatement',
              left_operand: {
                type: 'DynamicOperand',
                operations: [{ type: 'ExtractDetectionProperty', property_name: 'class_name' }],
              },
              comparator: { type: 'in (Sequence)' },
              right_operand: { type: 'DynamicOperand', operand_name: 'classes' },
            },
          ],
        },
      },
    ],
  ),
  run: runDetectionsOperations,
});
