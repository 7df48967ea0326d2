// Roboflow's error-path expectations for the blocks added for parity (blocks addendum, Roboflow's unit and
// integration tests), run over HTTP: definition errors are 400 WorkflowSyntaxError naming the step and the
// property; run-time refusals are step errors naming the step and saying why.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

const ONE_PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const image = { type: 'base64', value: ONE_PIXEL };

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const IMAGE_INPUTS = [
  { type: 'WorkflowImage', name: 'image' },
  { type: 'WorkflowImage', name: 'other' },
  { type: 'WorkflowParameter', name: 'value' },
];

function oneStep(step: Record<string, unknown>, output = 'image') {
  return {
    version: '1.0',
    inputs: IMAGE_INPUTS,
    steps: [{ name: 'step', ...step }],
    outputs: [{ type: 'JsonField', name: 'out', selector: `$steps.step.${output}` }],
  };
}

// [label, step, output, property named in the error]
const DEFINITION_ERRORS: Array<[string, Record<string, unknown>, string, string]> = [
  ['contrast_enhancement: image missing', { type: 'roboflow_core/contrast_enhancement@v1' }, 'image', 'image'],
  [
    'contrast_enhancement: clip_limit 51',
    { type: 'roboflow_core/contrast_enhancement@v1', image: '$inputs.image', clip_limit: 51 },
    'image',
    'clip_limit',
  ],
  [
    'contrast_enhancement: clip_limit from a selector',
    { type: 'roboflow_core/contrast_enhancement@v1', image: '$inputs.image', clip_limit: '$inputs.value' },
    'image',
    'clip_limit',
  ],
  [
    'contrast_enhancement: contrast_multiplier 0.05',
    { type: 'roboflow_core/contrast_enhancement@v1', image: '$inputs.image', contrast_multiplier: 0.05 },
    'image',
    'contrast_multiplier',
  ],
  [
    'mask_edge_snap: image "invalid"',
    { type: 'roboflow_core/mask_edge_snap@v1', image: 'invalid', segmentation: '$inputs.value' },
    'edges',
    'image',
  ],
  [
    'mask_edge_snap: segmentation "invalid"',
    { type: 'roboflow_core/mask_edge_snap@v1', image: '$inputs.image', segmentation: 'invalid' },
    'edges',
    'segmentation',
  ],
  [
    'mask_edge_snap: pixel_tolerance 101',
    {
      type: 'roboflow_core/mask_edge_snap@v1',
      images: '$inputs.image',
      segmentation: '$inputs.value',
      pixel_tolerance: 101,
    },
    'edges',
    'pixel_tolerance',
  ],
  [
    'mask_edge_snap: adaptive_window_size 2',
    {
      type: 'roboflow_core/mask_edge_snap@v1',
      images: '$inputs.image',
      segmentation: '$inputs.value',
      adaptive_window_size: 2,
    },
    'edges',
    'adaptive_window_size',
  ],
  [
    'template_matching: a literal template',
    { type: 'roboflow_core/template_matching@v1', image: '$inputs.image', template: 'template.png' },
    'predictions',
    'template',
  ],
  [
    'template_matching: nms_threshold 1.5',
    {
      type: 'roboflow_core/template_matching@v1',
      image: '$inputs.image',
      template: '$inputs.other',
      nms_threshold: 1.5,
    },
    'predictions',
    'nms_threshold',
  ],
  ['motion_detection: image missing', { type: 'roboflow_core/motion_detection@v1' }, 'motion', 'image'],
  [
    'detection_event_log: frame_threshold 0',
    {
      type: 'roboflow_core/detection_event_log@v1',
      image: '$inputs.image',
      detections: '$inputs.value',
      frame_threshold: 0,
    },
    'event_log',
    'frame_threshold',
  ],
  [
    'detection_event_log: fallback_fps 0',
    {
      type: 'roboflow_core/detection_event_log@v1',
      image: '$inputs.image',
      detections: '$inputs.value',
      fallback_fps: 0,
    },
    'event_log',
    'fallback_fps',
  ],
  [
    'rich_label: unregistered font',
    {
      type: 'roboflow_core/rich_label_visualization@v1',
      image: '$inputs.image',
      predictions: '$inputs.value',
      font_family: 'Comic Sans',
    },
    'image',
    'font_family',
  ],
  [
    'rich_label: font path',
    {
      type: 'roboflow_core/rich_label_visualization@v1',
      image: '$inputs.image',
      predictions: '$inputs.value',
      font_family: '/usr/share/fonts/x.ttf',
    },
    'image',
    'font_family',
  ],
  [
    'rich_label: invalid image selector',
    { type: 'roboflow_core/rich_label_visualization@v1', image: 'invalid', predictions: '$inputs.value' },
    'image',
    'image',
  ],
  [
    'semantic segmentation v2: custom without confidence',
    {
      type: 'roboflow_core/roboflow_semantic_segmentation_model@v2',
      images: '$inputs.image',
      model_id: 'a/1',
      confidence_mode: 'custom',
      custom_confidence: null,
    },
    'predictions',
    'custom_confidence',
  ],
  [
    'semantic segmentation v1: model_id missing',
    { type: 'roboflow_core/roboflow_semantic_segmentation_model@v1', images: '$inputs.image' },
    'predictions',
    'model_id',
  ],
  [
    'webhook_sink: method missing',
    { type: 'roboflow_core/webhook_sink@v1', url: 'http://127.0.0.1:9/x' },
    'message',
    'method',
  ],
];

describe('definition errors → 400 WorkflowSyntaxError naming step and property', () => {
  for (const [label, step, output, property] of DEFINITION_ERRORS) {
    test(label, async () => {
      const res = await post(server, '/workflows/validate', oneStep(step, output));
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
      assert.equal(res.body.error_type, 'WorkflowSyntaxError');
      assert.equal(res.body.blocks_errors[0].block_id, 'step');
      assert.equal(res.body.blocks_errors[0].property_name, property, JSON.stringify(res.body.blocks_errors));
    });
  }

  test('detection_event_log: the image must be an $inputs selector (a step output is refused)', async () => {
    const res = await post(server, '/workflows/validate', {
      version: '1.0',
      inputs: IMAGE_INPUTS,
      steps: [
        { type: 'roboflow_core/contrast_enhancement@v1', name: 'enhanced', image: '$inputs.image' },
        {
          type: 'roboflow_core/detection_event_log@v1',
          name: 'step',
          image: '$steps.enhanced.image',
          detections: '$inputs.value',
        },
      ],
      outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.step.event_log' }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.blocks_errors[0].property_name, 'image');
  });
});

describe('run-time refusals → step errors that say why', () => {
  test('motion_detection: a zone string that is not JSON', async () => {
    const res = await post(server, '/workflows/run', {
      specification: oneStep(
        { type: 'roboflow_core/motion_detection@v1', image: '$inputs.image', detection_zone: '$inputs.value' },
        'motion',
      ),
      inputs: { image, other: image, value: '[[1, 2' },
    });
    assert.equal(res.status, 500, JSON.stringify(res.body).slice(0, 300));
    assert.equal(res.body.error_type, 'StepExecutionError');
    assert.match(res.body.message, /Could not parse detection zone as a valid json/);
    assert.equal(res.body.blocks_errors[0].block_id, 'step');
  });

  test('template_matching: a template larger than the image', async () => {
    const big = { type: 'base64', value: await bigPng() };
    const res = await post(server, '/workflows/run', {
      specification: oneStep(
        { type: 'roboflow_core/template_matching@v1', image: '$inputs.image', template: '$inputs.other' },
        'predictions',
      ),
      inputs: { image, other: big, value: 1 },
    });
    assert.equal(res.status, 500);
    assert.match(res.body.message, /template .* is larger than the image/);
  });

  test('rich_label: an unknown font through an input names font_family', async () => {
    const res = await post(server, '/workflows/run', {
      specification: {
        version: '1.0',
        inputs: [...IMAGE_INPUTS, { type: 'WorkflowParameter', name: 'font' }],
        steps: [
          {
            type: 'roboflow_core/template_matching@v1',
            name: 'match',
            image: '$inputs.image',
            template: '$inputs.other',
          },
          {
            type: 'roboflow_core/rich_label_visualization@v1',
            name: 'step',
            image: '$inputs.image',
            predictions: '$steps.match.predictions',
            font_family: '$inputs.font',
          },
        ],
        outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.step.image' }],
      },
      inputs: { image, other: image, value: 1, font: 'Comic Sans' },
    });
    assert.ok(res.status >= 400 && res.status < 600);
    assert.match(JSON.stringify(res.body), /font_family/);
  });

  test('string_template: Roboflow error rows are ValueError step errors', async () => {
    for (const [template, pattern] of [
      ['Hello {name', /could not parse template/],
      ['{0}', /positional placeholders/],
      ['{a.b}', /attribute or index access/],
      ['{missing}', /not declared in data/],
    ] as const) {
      const res = await post(server, '/workflows/run', {
        specification: {
          version: '1.0',
          inputs: [],
          steps: [{ type: 'roboflow_core/string_template@v1', name: 'step', template, data: { name: 'x' } }],
          outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.step.output' }],
        },
        inputs: {},
      });
      assert.equal(res.status, 500, template);
      assert.equal(res.body.inner_error_type, 'ValueError');
      assert.match(res.body.inner_error_message, pattern);
    }
  });

  test('switch_case: duplicated target is a WorkflowSyntaxError mentioning "targeted at most once"', async () => {
    const res = await post(server, '/workflows/validate', {
      version: '1.0',
      inputs: [{ type: 'WorkflowParameter', name: 'value' }],
      steps: [
        {
          type: 'roboflow_core/switch_case@v1',
          name: 'step',
          value: '$inputs.value',
          cases: { a: '$steps.x', b: '$steps.x' },
        },
        { type: 'roboflow_core/property_definition@v1', name: 'x', data: '$inputs.value', operations: [] },
      ],
      outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.x.output' }],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_type, 'WorkflowSyntaxError');
    assert.match(res.body.inner_error_message, /targeted at most once/);
  });
});

async function bigPng(): Promise<string> {
  const sharp = (await import('sharp')).default;
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 200, b: 30 } } })
    .png()
    .toBuffer();
  return png.toString('base64');
}
