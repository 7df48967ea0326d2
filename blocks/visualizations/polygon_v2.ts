import { defineVisualization } from './common.ts';
import { drawPolygons, polygonSpec } from './polygon_shared.ts';

export const polygonVisualizationV2 = defineVisualization(
  polygonSpec('roboflow_core/polygon_visualization@v2', 'v2'),
  drawPolygons,
);
