import type { BlockDefinition } from '../../engine/index.ts';
import { localFileSinkV1 } from './local_file_sink_v1.ts';
import { webhookSinkV1 } from './webhook_sink_v1.ts';
import { emailNotificationV1 } from './email_notification_v1.ts';
import { emailNotificationV2 } from './email_notification_v2.ts';
import { onvifSinkV1 } from './onvif_sink_v1.ts';
import { visionEventBundleV1 } from './vision_event_bundle_v1.ts';

export const sinkBlocks: BlockDefinition<any>[] = [
  localFileSinkV1,
  webhookSinkV1,
  emailNotificationV1,
  emailNotificationV2,
  onvifSinkV1,
  visionEventBundleV1,
];
