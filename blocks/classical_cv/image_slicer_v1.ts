import { defineImageSlicer } from './image_slicer.ts';

export const imageSlicerV1 = defineImageSlicer('v1');
