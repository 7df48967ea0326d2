import type { BlockDefinition } from '../../engine/index.ts';
import { continueIfV1 } from './continue_if_v1.ts';
import { switchCaseV1 } from './switch_case_v1.ts';
import { rateLimiterV1 } from './rate_limiter_v1.ts';
import { deltaFilterV1 } from './delta_filter_v1.ts';

export const flowControlBlocks: BlockDefinition<any>[] = [continueIfV1, switchCaseV1, rateLimiterV1, deltaFilterV1];
