import { defineVisualization } from './common.ts';
import { drawHalo, haloSpec } from './halo_shared.ts';

export const haloVisualizationV1 = defineVisualization(
  haloSpec('roboflow_core/halo_visualization@v1', 'v1', ['HaloVisualization']),
  drawHalo,
);
