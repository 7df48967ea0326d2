import { defineImageSlicer } from './image_slicer.ts';

export const imageSlicerV2 = defineImageSlicer('v2');
