// Roboflow routes of features this server does not serve. A Roboflow client calling one gets 501 with a body
// naming the feature and why (instead of the legacy model route guessing at it, or a bare 404), so a user
// knows at once that the call is not a typo. Mounted after every served route: a route added later wins.
import { Router } from 'express';
import { PlatformError } from '../../engine/index.ts';
import type { AppDeps } from '../app.ts';

/** A Roboflow feature this server does not serve (501); `details` name the feature and the reason. */
export class FeatureNotServedError extends PlatformError {}

type Reason = 'model' | 'cloud';

interface UnsupportedFeature {
  /** Path prefixes (a prefix matches itself and anything below it). */
  paths: string[];
  feature: string;
  reason: Reason;
  /** What would be needed, in a user's words. */
  detail: string;
}

const FEATURES: UnsupportedFeature[] = [
  {
    paths: ['/clip'],
    feature: 'CLIP embeddings',
    reason: 'model',
    detail: 'needs the CLIP model weights, which no package this server installs ships',
  },
  {
    paths: ['/perception_encoder'],
    feature: 'Perception Encoder embeddings',
    reason: 'model',
    detail: 'needs the Perception Encoder model weights',
  },
  {
    paths: ['/sam', '/sam2', '/sam3', '/sam3_3d'],
    feature: 'Segment Anything (SAM / SAM 2 / SAM 3)',
    reason: 'model',
    detail: 'needs the Segment Anything model weights',
  },
  { paths: ['/gaze'], feature: 'gaze detection', reason: 'model', detail: 'needs the L2CS-Net gaze model weights' },
  {
    paths: ['/infer/lmm'],
    feature: 'large multimodal models (/infer/lmm)',
    reason: 'model',
    detail: 'needs a multimodal language model (Florence-2, PaliGemma, Moondream, Qwen-VL...) and its weights',
  },
  {
    paths: ['/infer/depth-estimation'],
    feature: 'depth estimation',
    reason: 'model',
    detail: 'needs the Depth Anything model weights',
  },
  {
    paths: ['/yolo_world'],
    feature: 'YOLO-World open-vocabulary detection',
    reason: 'model',
    detail: 'needs the YOLO-World weights and a CLIP text encoder',
  },
  { paths: ['/owlv2'], feature: 'OWLv2 open-vocabulary detection', reason: 'model', detail: 'needs the OWLv2 weights' },
  {
    paths: ['/grounding_dino'],
    feature: 'Grounding DINO detection',
    reason: 'model',
    detail: 'needs the Grounding DINO weights',
  },
  {
    paths: ['/easy_ocr'],
    feature: 'EasyOCR',
    reason: 'model',
    detail: 'needs the EasyOCR weights; /doctr/ocr and /ocr/pp-ocr are served by the bundled PaddleOCR models',
  },
  {
    paths: ['/ocr/trocr'],
    feature: 'TrOCR',
    reason: 'model',
    detail: 'needs the TrOCR weights; /doctr/ocr and /ocr/pp-ocr are served by the bundled PaddleOCR models',
  },
  {
    paths: ['/cogvlm', '/llava', '/moondream2'],
    feature: 'hosted vision-language models',
    reason: 'model',
    detail: 'needs the model weights of a large vision-language model',
  },
  {
    paths: ['/initialise_webrtc_worker', '/inference_pipelines/initialise_webrtc'],
    feature: 'WebRTC streaming',
    reason: 'cloud',
    detail:
      'needs a WebRTC stack and TURN service; run a video pipeline on a stream URL or webcam device instead (see the README)',
  },
];

const REASONS: Record<Reason, string> = {
  model: 'needs a model package this server cannot load',
  cloud: 'needs a Roboflow-hosted service that a local server cannot reach',
};

/** The feature a path belongs to, if it is one of Roboflow's routes we do not serve. */
export function unsupportedFeature(pathname: string): UnsupportedFeature | undefined {
  return FEATURES.find((f) => f.paths.some((p) => pathname === p || pathname.startsWith(`${p}/`)));
}

export async function unsupportedRoutes(_deps: AppDeps): Promise<Router> {
  const router = Router();
  router.use((req, _res, next) => {
    const feature = unsupportedFeature(req.path);
    if (!feature) {
      next();
      return;
    }
    next(
      new FeatureNotServedError(
        `${feature.feature} is not available on this server: it ${REASONS[feature.reason]} (${feature.detail}).`,
        {
          feature: feature.feature,
          reason: feature.reason === 'model' ? 'model_package_unavailable' : 'cloud_service_required',
        },
      ),
    );
  });
  return router;
}
