import type { BlockDefinition } from '../../engine/index.ts';
import { localFileSinkV1 } from './local_file_sink_v1.ts';
import { webhookSinkV1 } from './webhook_sink_v1.ts';

export const sinkBlocks: BlockDefinition<any>[] = [localFileSinkV1, webhookSinkV1];
