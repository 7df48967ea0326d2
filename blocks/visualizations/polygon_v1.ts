import { defineVisualization } from './common.ts';
import { drawPolygons, polygonSpec } from './polygon_shared.ts';

export const polygonVisualizationV1 = defineVisualization(
  polygonSpec('roboflow_core/polygon_visualization@v1', 'v1', ['PolygonVisualization']),
  drawPolygons,
);
