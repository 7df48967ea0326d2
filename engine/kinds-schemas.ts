// JSON Schemas of serialized kinds, returned by describe_interface under `kinds_schemas` (docs/roboflow-compatibility.md#http-endpoints).
const origin = {
  type: 'object',
  properties: {
    offset_x: { type: 'integer' },
    offset_y: { type: 'integer' },
    width: { type: 'integer' },
    height: { type: 'integer' },
  },
  required: ['offset_x', 'offset_y', 'width', 'height'],
};

const videoMetadata = {
  type: 'object',
  properties: {
    video_identifier: { type: 'string' },
    frame_number: { type: 'integer' },
    frame_timestamp: { type: 'string', format: 'date-time' },
    fps: { anyOf: [{ type: 'number' }, { type: 'null' }] },
    measured_fps: { anyOf: [{ type: 'number' }, { type: 'null' }] },
    comes_from_video_file: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
  },
  required: ['video_identifier', 'frame_number', 'frame_timestamp'],
};

function detectionsSchema(title: string, extra: Record<string, unknown> = {}, required: string[] = []) {
  return {
    title,
    type: 'object',
    properties: {
      image: {
        type: 'object',
        properties: { width: { type: ['integer', 'null'] }, height: { type: ['integer', 'null'] } },
        required: ['width', 'height'],
      },
      predictions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            width: { type: 'number' },
            height: { type: 'number' },
            x: { type: 'number' },
            y: { type: 'number' },
            confidence: { type: 'number' },
            class_id: { type: 'integer' },
            class: { type: 'string' },
            detection_id: { type: 'string' },
            parent_id: { type: 'string' },
            tracker_id: { type: 'integer' },
            parent_origin: origin,
            root_parent_id: { type: 'string' },
            root_parent_origin: origin,
            ...extra,
          },
          required: [
            'width',
            'height',
            'x',
            'y',
            'confidence',
            'class_id',
            'class',
            'detection_id',
            'parent_id',
            ...required,
          ],
        },
      },
    },
    required: ['image', 'predictions'],
  };
}

const point = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] };
const keypoint = {
  type: 'object',
  properties: {
    class_id: { type: 'integer' },
    class: { type: 'string' },
    confidence: { type: 'number' },
    x: { type: 'number' },
    y: { type: 'number' },
  },
  required: ['class_id', 'class', 'confidence', 'x', 'y'],
};
const classPrediction = {
  type: 'object',
  properties: { class: { type: 'string' }, class_id: { type: 'integer' }, confidence: { type: 'number' } },
  required: ['class', 'class_id', 'confidence'],
};

export const KINDS_SCHEMAS: Record<string, unknown> = {
  image: {
    title: 'WorkflowImage',
    type: 'object',
    properties: {
      type: { enum: ['base64', 'url'] },
      value: { type: 'string' },
      video_metadata: videoMetadata,
      parent_id: { type: 'string' },
      parent_origin: origin,
      root_parent_id: { type: 'string' },
      root_parent_origin: origin,
    },
    required: ['type', 'value'],
  },
  video_metadata: { title: 'VideoMetadata', ...videoMetadata },
  object_detection_prediction: detectionsSchema('ObjectDetectionPrediction'),
  instance_segmentation_prediction: detectionsSchema(
    'InstanceSegmentationPrediction',
    { points: { type: 'array', items: point } },
    ['points'],
  ),
  keypoint_detection_prediction: detectionsSchema(
    'KeypointDetectionPrediction',
    { keypoints: { type: 'array', items: keypoint } },
    ['keypoints'],
  ),
  qr_code_detection: detectionsSchema('QRCodeDetection', { data: { type: 'string' } }),
  bar_code_detection: detectionsSchema('BarCodeDetection', { data: { type: 'string' } }),
  classification_prediction: [
    {
      title: 'MultiClassClassificationPrediction',
      type: 'object',
      properties: {
        inference_id: { type: 'string' },
        time: { type: 'number' },
        image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
        predictions: { type: 'array', items: classPrediction },
        top: { type: 'string' },
        confidence: { type: 'number' },
        prediction_type: { type: 'string' },
        parent_id: { type: 'string' },
        root_parent_id: { type: 'string' },
      },
      required: ['predictions', 'top', 'confidence'],
    },
    {
      title: 'MultiLabelClassificationPrediction',
      type: 'object',
      properties: {
        inference_id: { type: 'string' },
        time: { type: 'number' },
        image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
        predictions: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { confidence: { type: 'number' }, class_id: { type: 'integer' } },
          },
        },
        predicted_classes: { type: 'array', items: { type: 'string' } },
        prediction_type: { type: 'string' },
        parent_id: { type: 'string' },
        root_parent_id: { type: 'string' },
      },
      required: ['predictions', 'predicted_classes'],
    },
  ],
  point: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
  zone: { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, minItems: 3 },
  rgb_color: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 }] },
  timestamp: { type: 'string', format: 'date-time' },
};
