import { defineVisualization } from './common.ts';
import { drawHalo, haloSpec } from './halo_shared.ts';

export const haloVisualizationV2 = defineVisualization(haloSpec('roboflow_core/halo_visualization@v2', 'v2'), drawHalo);
