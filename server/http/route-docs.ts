// What /openapi.json says about each route beyond what the app itself knows: a summary, the request schema (a file of
// schemas/requests, the same one validateBody checks), examples. Keyed by method and Express path as registered.
// Paths come from the live app, so a route missing here is still described (from its path); saved-workflow routes
// are described in schemas/openapi-base.json.

export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  /** Request body schema: a file name in schemas/requests. */
  body?: string;
  bodyExample?: unknown;
  responseExample?: unknown;
  /** Answers without the access key (SIGHTLINE_API_KEY). */
  open?: boolean;
  /** Response media type when not JSON. */
  produces?: string;
}

const IMAGE = { type: 'url', value: 'https://media.roboflow.com/inference/people-walking.jpg' };
const DETECTION_WORKFLOW = {
  version: '1.0',
  inputs: [{ type: 'InferenceImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'det',
      images: '$inputs.image',
      model_id: 'yolov8n-640',
    },
  ],
  outputs: [{ type: 'JsonField', name: 'predictions', selector: '$steps.det.predictions' }],
};

const classic = (task: string, schema: string): RouteDoc => ({
  summary: `${task} with a local model (a one-step workflow)`,
  tag: 'models',
  body: schema,
  bodyExample: { model_id: 'yolov8n-640', image: IMAGE, confidence: 0.4 },
});

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /info': { summary: 'Server name, version, id and component versions', tag: 'server' },
  'GET /healthz': { summary: 'Liveness probe', tag: 'server', open: true, responseExample: { status: 'healthy' } },
  'GET /readiness': {
    summary: 'Readiness probe: 503 while the server shuts down',
    tag: 'server',
    open: true,
    responseExample: { status: 'ready' },
  },
  'GET /metrics': { summary: 'Prometheus metrics (text format)', tag: 'server', produces: 'text/plain' },
  'GET /openapi.json': { summary: 'This document', tag: 'server', open: true },
  'GET /docs': {
    summary: 'Interactive API documentation (Swagger UI, served locally)',
    tag: 'server',
    open: true,
    produces: 'text/html',
  },
  'GET /docs/init.js': {
    summary: 'Swagger UI start-up script for /docs',
    tag: 'server',
    open: true,
    produces: 'application/javascript',
  },
  'GET /': { summary: 'The workflow editor', tag: 'server', open: true, produces: 'text/html' },
  'POST /workflows/run': {
    summary: 'Run a workflow given by its definition',
    tag: 'workflows',
    body: 'workflow-run.json',
    bodyExample: { specification: DETECTION_WORKFLOW, inputs: { image: IMAGE } },
    responseExample: {
      outputs: [{ predictions: { image: { width: 640, height: 480 }, predictions: [] } }],
      profiler_trace: [],
    },
  },
  'POST /infer/workflows': {
    summary: 'Run a workflow given by its definition (deprecated Roboflow path)',
    tag: 'workflows',
    body: 'workflow-run.json',
  },
  'POST /workflows/validate': {
    summary: 'Compile a definition without running it',
    tag: 'workflows',
    body: 'workflow-definition.json',
    bodyExample: DETECTION_WORKFLOW,
    responseExample: { status: 'ok' },
  },
  'GET /workflows/blocks/describe': { summary: 'Every block: manifest schema, outputs, kinds', tag: 'workflows' },
  'POST /workflows/blocks/describe': {
    summary: 'Every block (Roboflow client form; dynamic blocks are refused)',
    tag: 'workflows',
    body: 'describe-blocks.json',
  },
  'GET /workflows/definition/schema': { summary: 'JSON Schema of a workflow definition', tag: 'workflows' },
  'POST /workflows/describe_interface': {
    summary: 'Inputs and outputs of a definition, with kinds',
    tag: 'workflows',
    body: 'describe-interface.json',
    bodyExample: { specification: DETECTION_WORKFLOW },
  },
  'POST /workflows/blocks/dynamic_outputs': {
    summary: 'Outputs of one step manifest',
    tag: 'workflows',
    body: 'workflow-definition.json',
  },
  'GET /workflows/execution_engine/versions': {
    summary: 'Execution engine versions served',
    tag: 'workflows',
    responseExample: { versions: ['1.15.0'] },
  },
  'POST /infer/object_detection': classic('Object detection', 'object-detection.json'),
  'POST /infer/instance_segmentation': classic('Instance segmentation', 'instance-segmentation.json'),
  'POST /infer/keypoints_detection': classic('Keypoint detection', 'keypoints-detection.json'),
  'POST /infer/classification': classic('Classification', 'classification.json'),
  'POST /doctr/ocr': { summary: 'OCR (PaddleOCR, shipped with the server)', tag: 'models', body: 'doctr-ocr.json' },
  'POST /infer/semantic_segmentation': {
    summary: 'Semantic segmentation (Roboflow route): answers 501 "model package required" (no such model loads here)',
    tag: 'models',
  },
  'POST /ocr/pp-ocr': {
    summary: "Roboflow's PP-OCR route (PaddleOCR shipped with the server): line boxes and text by line",
    tag: 'models',
  },
  'GET /model/registry': { summary: 'Models loaded in memory', tag: 'models' },
  'GET /model/packages': { summary: 'Model packages installed in the model cache', tag: 'models' },
  'POST /model/add': {
    summary: 'Load a model',
    tag: 'models',
    body: 'model-add.json',
    bodyExample: { model_id: 'yolov8n-640' },
  },
  'POST /model/remove': { summary: 'Unload a model', tag: 'models', body: 'model-remove.json' },
  'POST /model/clear': { summary: 'Unload every model', tag: 'models' },
  'POST /jobs': { summary: 'Submit a workflow over many inputs', tag: 'jobs', body: 'job-submit.json' },
  'GET /jobs/:id': { summary: 'Job status and progress', tag: 'jobs' },
  'GET /jobs/:id/results': { summary: 'Job results as JSON Lines', tag: 'jobs', produces: 'application/x-ndjson' },
  'GET /jobs/:id/files/:index/:name': { summary: 'An image a job wrote', tag: 'jobs', produces: 'image/*' },
  'DELETE /jobs/:id': { summary: 'Cancel a job', tag: 'jobs' },
  'GET /inference_pipelines/list': { summary: 'Running video pipelines', tag: 'pipelines' },
  'POST /inference_pipelines/initialise': {
    summary: 'Start a video pipeline running a workflow per frame',
    tag: 'pipelines',
    body: 'inference-pipeline-initialise.json',
  },
  'GET /inference_pipelines/:id/status': { summary: 'Pipeline status', tag: 'pipelines' },
  'POST /inference_pipelines/:id/pause': { summary: 'Mute a pipeline', tag: 'pipelines' },
  'POST /inference_pipelines/:id/resume': { summary: 'Resume a pipeline', tag: 'pipelines' },
  'POST /inference_pipelines/:id/terminate': { summary: 'Stop a pipeline', tag: 'pipelines' },
  'GET /inference_pipelines/:id/consume': { summary: 'Take the oldest buffered results', tag: 'pipelines' },
  'GET /inference_pipelines/:id/preview': {
    summary: 'Live MJPEG preview of an image output (for an <img>)',
    tag: 'pipelines',
    produces: 'multipart/x-mixed-replace',
  },
  'GET /:dataset_id/:version_id': {
    summary: 'Roboflow v0 (legacy) model route: image by ?image= URL',
    tag: 'models',
  },
  'POST /:dataset_id/:version_id': {
    summary: 'Roboflow v0 (legacy) model route: raw base64 body or multipart file',
    tag: 'models',
  },
  '* /workspaces/*rest': {
    summary: 'Any other path under /workspaces: 400 naming the malformed id',
    tag: 'saved workflows',
  },
};

/** WebSocket endpoints: upgrades handled beside Express (server/ws/, pipelines), so the app's route list lacks them. */
export const WEBSOCKET_DOCS: Array<{ path: string; summary: string; description: string; tag: string }> = [
  {
    path: '/workflows/run/ws',
    summary: 'Live run channel (WebSocket)',
    description:
      'Send what you would POST to /workflows/run (plus previews, run_to...); receive run_started, step_* events and ' +
      'the result as they happen. Message types: see the README.',
    tag: 'workflows',
  },
  {
    path: '/jobs/{id}/ws',
    summary: 'Job progress (WebSocket)',
    description: 'Status on change and each result line as it lands, then end.',
    tag: 'jobs',
  },
  {
    path: '/inference_pipelines/{id}/ws',
    summary: 'Pipeline results (WebSocket)',
    description: "Every frame's outputs as they happen.",
    tag: 'pipelines',
  },
];
