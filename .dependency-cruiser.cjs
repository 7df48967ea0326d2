// Import boundaries checked by `npm test` (npx depcruise, see package.json): the engine knows no HTTP server,
// block, video, queue or UI code; blocks know no server; block families share code only through blocks/common/.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-knows-no-outer-layer',
      comment:
        'engine/ is the core: server, blocks, video, jobs, clients and the editor build on it, never the reverse.',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: '^(server|blocks|video|jobs|cli|client|editor|bench|test)/' },
    },
    {
      name: 'engine-knows-no-transport',
      comment: 'No HTTP framework, ONNX runtime, Redis, queue or socket library inside the engine.',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: 'node_modules/(express|onnxruntime-node|ioredis|bullmq|ws|pino|pino-http|prom-client|cors)/' },
    },
    {
      name: 'blocks-know-no-server',
      comment: 'Blocks run in any host (server, worker, pipeline); what they need comes through StepContext.services.',
      severity: 'error',
      from: { path: '^blocks/' },
      to: { path: '^(server|video|jobs|cli|client|editor)/' },
    },
    {
      name: 'blocks-know-no-http-framework',
      severity: 'error',
      from: { path: '^blocks/' },
      to: { path: 'node_modules/(express|ioredis|bullmq|cors)/' },
    },
    {
      name: 'block-families-share-through-common',
      comment: 'A family folder imports its own files, blocks/common/ and the engine; shared helpers go to common/.',
      severity: 'error',
      from: { path: '^blocks/([^/]+)/' },
      to: { path: '^blocks/', pathNot: ['^blocks/$1/', '^blocks/common/'] },
    },
    {
      name: 'common-knows-no-family',
      severity: 'error',
      from: { path: '^blocks/common/' },
      to: { path: '^blocks/[^/]+/', pathNot: '^blocks/common/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 has no JS compiler API that dependency-cruiser can load; swc parses the sources instead.
    parser: 'swc',
  },
};
