import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { remapRgb } from '../common/cv/warp.ts';
import { cvManifest, floatParam, inputImage } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';

export interface CameraModel {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  k1: number;
  k2: number;
  k3: number;
  p1: number;
  p2: number;
}

/**
 * Undistorted image (same size, same camera matrix, as cv2.undistort): each output pixel samples the source
 * where the Brown-Conrady model (radial k1..k3, tangential p1, p2) says its ray landed.
 */
export function undistort(image: WorkflowImage, m: CameraModel): Uint8Array {
  return remapRgb(image, image.width, image.height, (u, v, out) => {
    const x = (u - m.cx) / m.fx;
    const y = (v - m.cy) / m.fy;
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (m.k1 + r2 * (m.k2 + r2 * m.k3));
    out[0] = m.fx * (x * radial + 2 * m.p1 * x * y + m.p2 * (r2 + 2 * x * x)) + m.cx;
    out[1] = m.fy * (y * radial + m.p1 * (r2 + 2 * y * y) + 2 * m.p2 * x * y) + m.cy;
    return true;
  });
}

const COEFFICIENTS = {
  fx: 'Focal length along x (pixels).',
  fy: 'Focal length along y (pixels).',
  cx: 'Optical centre x (pixels).',
  cy: 'Optical centre y (pixels).',
  k1: 'Radial distortion coefficient k1.',
  k2: 'Radial distortion coefficient k2.',
  k3: 'Radial distortion coefficient k3.',
  p1: 'Tangential distortion coefficient p1.',
  p2: 'Tangential distortion coefficient p2.',
} as const;

export const cameraCalibrationV1 = defineBlock<{ image: WorkflowImage } & Record<keyof CameraModel, number>>({
  manifest: cvManifest({
    type: 'roboflow_core/camera-calibration@v1',
    humanName: 'Camera Calibration',
    blockType: 'transformation',
    shortDescription: 'Remove lens distortion from an image given the camera matrix and distortion coefficients.',
    icon: 'far fa-crop-alt',
    properties: {
      image: inputImage('Image to remove distortions from.'),
      ...Object.fromEntries(
        Object.entries(COEFFICIENTS).map(([name, description]) => [name, floatParam(name, description, undefined)]),
      ),
    },
    required: ['image', ...Object.keys(COEFFICIENTS)],
    propertyAliases: { images: 'image' },
    outputs: [{ name: 'calibrated_image', kind: ['image'] }],
  }),
  run(params, context) {
    const model = {} as CameraModel;
    for (const name of Object.keys(COEFFICIENTS) as (keyof CameraModel)[]) {
      const value = Number(params[name]);
      if (!Number.isFinite(value)) throw invalidParam(context.stepName, name, params[name], 'a number');
      model[name] = value;
    }
    if (model.fx === 0 || model.fy === 0)
      throw invalidParam(context.stepName, model.fx === 0 ? 'fx' : 'fy', 0, 'a non-zero focal length');
    return { calibrated_image: params.image.withPixels(undistort(params.image, model)) };
  },
});
