import type { BlockDefinition } from '../../engine/index.ts';
import { backgroundColorVisualizationV1 } from './background_color_v1.ts';
import { blurVisualizationV1 } from './blur_v1.ts';
import { boundingBoxVisualizationV1 } from './bounding_box_v1.ts';
import { circleVisualizationV1 } from './circle_v1.ts';
import { colorVisualizationV1 } from './color_v1.ts';
import { cornerVisualizationV1 } from './corner_v1.ts';
import { cropVisualizationV1 } from './crop_v1.ts';
import { dotVisualizationV1 } from './dot_v1.ts';
import { ellipseVisualizationV1 } from './ellipse_v1.ts';
import { haloVisualizationV1 } from './halo_v1.ts';
import { haloVisualizationV2 } from './halo_v2.ts';
import { labelVisualizationV1 } from './label_v1.ts';
import { labelVisualizationV2 } from './label_v2.ts';
import { maskVisualizationV1 } from './mask_v1.ts';
import { pixelateVisualizationV1 } from './pixelate_v1.ts';
import { polygonVisualizationV1 } from './polygon_v1.ts';
import { polygonVisualizationV2 } from './polygon_v2.ts';
import { triangleVisualizationV1 } from './triangle_v1.ts';
import { classificationLabelVisualizationV1 } from './classification_label_v1.ts';
import { keypointVisualizationV1 } from './keypoint_v1.ts';
import { lineCounterVisualizationV1 } from './line_counter_v1.ts';
import { modelComparisonVisualizationV1 } from './model_comparison_v1.ts';
import { textDisplayV1 } from './text_display_v1.ts';
import { polygonZoneVisualizationV1 } from './polygon_zone_v1.ts';
import { referencePathVisualizationV1 } from './reference_path_v1.ts';
import { traceVisualizationV1 } from './trace_v1.ts';
import { heatmapVisualizationV1 } from './heatmap_v1.ts';
import { iconVisualizationV1 } from './icon_v1.ts';
import { gridVisualizationV1 } from './grid_v1.ts';
import { richLabelVisualizationV1 } from './rich_label_v1.ts';

export const visualizationBlocks: BlockDefinition<any>[] = [
  boundingBoxVisualizationV1,
  labelVisualizationV1,
  labelVisualizationV2,
  blurVisualizationV1,
  pixelateVisualizationV1,
  maskVisualizationV1,
  polygonVisualizationV1,
  polygonVisualizationV2,
  haloVisualizationV1,
  haloVisualizationV2,
  circleVisualizationV1,
  dotVisualizationV1,
  colorVisualizationV1,
  cornerVisualizationV1,
  triangleVisualizationV1,
  ellipseVisualizationV1,
  backgroundColorVisualizationV1,
  cropVisualizationV1,
  keypointVisualizationV1,
  classificationLabelVisualizationV1,
  polygonZoneVisualizationV1,
  referencePathVisualizationV1,
  lineCounterVisualizationV1,
  traceVisualizationV1,
  modelComparisonVisualizationV1,
  textDisplayV1,
  heatmapVisualizationV1,
  iconVisualizationV1,
  gridVisualizationV1,
  richLabelVisualizationV1,
];
