export { Canvas, clampBox, type Point } from './canvas.ts';
export * from './filters.ts';
export { drawTexts, measureText, escapeXml, PX_PER_TEXT_SCALE, type TextItem, type TextSize } from './text.ts';
export {
  drawLabels,
  boxAnchor,
  labelRect,
  maskCentroid,
  POSITIONS,
  type Label,
  type LabelStyle,
  type Position,
} from './labels.ts';
