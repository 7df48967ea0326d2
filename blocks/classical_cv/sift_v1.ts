import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, inputImage, IMAGE_OUTPUT } from './common.ts';
import { descriptorRows, drawKeypoints, imageFeatures, keypointDicts } from './sift_features.ts';

export const siftV1 = defineBlock<{ image: WorkflowImage }>({
  manifest: cvManifest({
    type: 'roboflow_core/sift@v1',
    humanName: 'SIFT',
    shortDescription: 'Apply SIFT to an image: keypoints, 128-d descriptors and an image with the keypoints drawn.',
    longDescription:
      'Scale-Invariant Feature Transform: detects blob-like keypoints across scales (difference of Gaussians), assigns each a dominant orientation and describes its neighbourhood with a 4x4x8 gradient histogram. Descriptors are null when the image has no keypoints.',
    icon: 'far fa-grip-dots',
    properties: { image: inputImage() },
    required: ['image'],
    outputs: [
      IMAGE_OUTPUT,
      { name: 'keypoints', kind: ['image_keypoints'] },
      { name: 'descriptors', kind: ['numpy_array'] },
    ],
  }),
  run({ image }) {
    const features = imageFeatures(image);
    return {
      image: drawKeypoints(image, features.keypoints),
      keypoints: keypointDicts(features.keypoints),
      descriptors: descriptorRows(features),
    };
  },
});
