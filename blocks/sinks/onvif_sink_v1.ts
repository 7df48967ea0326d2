// roboflow_core/onvif_sink@v1 ("PTZ Tracking (ONVIF)"): Roboflow's manifest, so definitions using it are
// described and validated like Roboflow's, but Sightline has no ONVIF camera client: a step of this type is
// refused at compile time with a message saying so (Roboflow's addendum allows exactly this).
import { defineBlock, literal, literalOrSelector, selector, type JsonSchema } from '../../engine/index.ts';

const str = (title: string, description: string, kinds: string[] = ['string']): JsonSchema =>
  literalOrSelector({ type: 'string' }, kinds, { title, description });
const flag = (title: string, description: string, value: boolean): JsonSchema =>
  literalOrSelector({ type: 'boolean' }, ['boolean'], { title, description, default: value });
const int = (title: string, description: string, value: number | undefined, extra: JsonSchema = {}): JsonSchema =>
  literalOrSelector({ type: 'integer', ...extra }, ['integer'], {
    title,
    description,
    ...(value === undefined ? {} : { default: value }),
  });
const num = (title: string, description: string, value: number, extra: JsonSchema = {}): JsonSchema =>
  literalOrSelector({ type: 'number', ...extra }, ['float'], { title, description, default: value });

export const onvifSinkV1 = defineBlock<Record<string, unknown>>({
  manifest: {
    type: 'roboflow_core/onvif_sink@v1',
    humanName: 'PTZ Tracking (ONVIF)',
    version: 'v1',
    blockType: 'sink',
    cacheable: false,
    shortDescription: 'Steer an ONVIF PTZ camera to follow a detection (not supported by Sightline).',
    longDescription:
      "Roboflow's PTZ tracking sink. Sightline keeps its manifest for compatibility but has no ONVIF client: a " +
      'workflow using it is refused at compile time.',
    ui: { section: 'video', icon: 'far fa-camera-cctv', blockPriority: 20 },
    properties: {
      predictions: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        title: 'Predictions',
        description: 'Detections to follow.',
      }),
      camera_ip: str('Camera IP', 'Camera address.'),
      camera_port: int('Camera Port', 'ONVIF port.', undefined, { minimum: 0, maximum: 65535 }),
      camera_username: str('Camera Username', 'ONVIF user.'),
      camera_password: str('Camera Password', 'ONVIF password.', ['secret', 'string']),
      movement_type: literal(
        { type: 'string', enum: ['Follow', 'Go To Preset'] },
        { title: 'Movement Type', description: 'Follow a detection or go to a preset.', default: 'Follow' },
      ),
      simulate_variable_speed: flag('Simulate Variable Speed', 'Emulate variable speed.', false),
      zoom_if_able: flag('Zoom If Able', 'Zoom in once centred.', false),
      follow_tracker: flag('Follow Tracker', 'Keep following one tracker id.', true),
      dead_zone: int('Dead Zone', 'Pixels around the centre with no movement.', 50),
      default_position_preset: str('Default Position Preset', 'Preset to return to.'),
      move_to_position_after_idle_seconds: int('Idle Seconds', 'Return to the preset after this idle time.', 0),
      camera_update_rate_limit: int('Update Rate Limit', 'Milliseconds between camera commands.', 250),
      flip_x_movement: flag('Flip X Movement', 'Invert pan.', false),
      flip_y_movement: flag('Flip Y Movement', 'Invert tilt.', true),
      minimum_camera_speed: num('Minimum Camera Speed', 'Slowest speed (0-1).', 0.05, { minimum: 0, maximum: 1 }),
      pid_kp: num('PID Kp', 'Proportional gain.', 0.25),
      pid_ki: num('PID Ki', 'Integral gain.', 0.0),
      pid_kd: num('PID Kd', 'Derivative gain.', 1),
    },
    required: ['predictions', 'camera_ip', 'camera_port', 'camera_username', 'camera_password'],
    outputs: [
      { name: 'predictions', kind: ['object_detection_prediction'] },
      { name: 'seeking', kind: ['boolean'] },
    ],
  },
  validateDefinition() {
    return {
      property: 'type',
      message:
        'roboflow_core/onvif_sink@v1 is not supported by Sightline: it has no ONVIF camera client (PTZ control needs a camera on the local network and an ONVIF stack).',
    };
  },
  run() {
    throw new Error('onvif_sink@v1 is refused at compile time');
  },
});
