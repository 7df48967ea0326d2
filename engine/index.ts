// The engine's public surface. Blocks and the server import from here only.
export * from './block.ts';
export * from './api-types.ts';
export * from './errors.ts';
export { Batch, isBatch, indexKey, type BatchIndex } from './batch.ts';
export { FlowControl } from './flow-control.ts';
export {
  WorkflowImage,
  isWorkflowImage,
  DEFAULT_MAX_IMAGE_PIXELS,
  type ImageOrigin,
  type VideoMetadata,
  type ImageLineage,
} from './image.ts';
export {
  PixelSemaphore,
  sniffImageFormat,
  DEFAULT_DECODE_PIXEL_BUDGET,
  DEFAULT_DECODE_TIMEOUT_MS,
  RASTER_FORMATS,
} from './image-guard.ts';
export { Detections, isDetections } from './detections.ts';
export { KINDS, kindObject, kindsCompatible, DETECTION_KINDS, DETECTION_KINDS_WITH_RLE, type Kind } from './kinds.ts';
export { ExecutionEngine, type EngineOptions, type CompiledWorkflow, type WorkflowInstance } from './engine.ts';
export { BlockRegistry, type BlockRegistryOptions, type UqlDescription } from './registry.ts';
export {
  serializeDetections,
  serializeImage,
  serializeValue,
  serializeOutput,
  registerKindSerializer,
  registerPredictionColumns,
  RLE_MASK_COLUMN,
  type SerializeDetectionsOptions,
} from './serialize.ts';
export { encodeRle, decodeRle, type CocoRle } from './rle.ts';
export { canonicalHash } from './compiler/cache.ts';
export type { WorkflowReference, WorkflowResolver } from './compiler/references.ts';
export { DEFAULT_INNER_WORKFLOW_LIMITS, type InnerWorkflowLimits } from './compiler/inner.ts';
export { DEFAULT_MAX_WORKFLOW_STEPS } from './compiler/graph.ts';
export { blockSchema } from './block-schema.ts';
export { largestContour, maskRegions, traceOuterBoundary, type MaskRegion } from './contour.ts';
export { deserializeDetections } from './executor/deserialize.ts';
export { fetchUrlBytes, isPrivateAddress } from './url-fetch.ts';
export {
  AddressNotAllowedError,
  checkUrlAllowed,
  isAddressAllowed,
  pinnedLookup,
  checkLiteralHost,
  type NetworkPolicy,
} from './net/address-policy.ts';
export { pinnedRequest, ResponseTooLargeError } from './net/pinned-http.ts';
export { toRootCoordinates } from './executor/coordinates.ts';
export type {
  RunObserver,
  RunStartedEvent,
  StepInfo,
  StepFinishedEvent,
  StepSkippedEvent,
  StepFailedEvent,
  RunFinishedEvent,
  SkipReason,
} from './executor/events.ts';
export { parseIndexKey } from './executor/events.ts';
export { StepOutputCache } from './executor/step-cache.ts';
