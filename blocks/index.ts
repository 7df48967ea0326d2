// Every core block, gathered from each family's index.
import type { BlockDefinition } from '../engine/index.ts';
import { modelBlocks } from './models/index.ts';
import { transformationBlocks } from './transformations/index.ts';
import { formatterBlocks } from './formatters/index.ts';
import { flowControlBlocks } from './flow_control/index.ts';
import { fusionBlocks } from './fusion/index.ts';
import { analyticsBlocks } from './analytics/index.ts';
import { visualizationBlocks } from './visualizations/index.ts';
import { classicalCvBlocks } from './classical_cv/index.ts';
import { sinkBlocks } from './sinks/index.ts';
import { mathBlocks } from './math/index.ts';

export const coreBlocks: readonly BlockDefinition<any>[] = [
  ...modelBlocks,
  ...transformationBlocks,
  ...formatterBlocks,
  ...flowControlBlocks,
  ...fusionBlocks,
  ...analyticsBlocks,
  ...visualizationBlocks,
  ...classicalCvBlocks,
  ...sinkBlocks,
  ...mathBlocks,
];
