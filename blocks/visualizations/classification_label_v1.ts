import { buildPalette, paletteColor, requireColor } from '../common/color.ts';
import { drawLabels, POSITIONS, PX_PER_TEXT_SCALE, type Label } from '../common/draw/index.ts';
import { colorProperty, defineVisualization, enumProperty, floatProperty, intProperty } from './common.ts';

interface ClassPrediction {
  class: string;
  class_id: number;
  confidence: number;
}

/** Single-label predictions list the top class first; multi-label ones list every predicted class. */
function predictedClasses(prediction: Record<string, unknown>): ClassPrediction[] {
  const raw = prediction.predictions;
  if (Array.isArray(raw)) {
    const sorted = [...(raw as ClassPrediction[])].sort((a, b) => b.confidence - a.confidence);
    return sorted.slice(0, 1);
  }
  if (raw && typeof raw === 'object') {
    const predicted = new Set((prediction.predicted_classes as string[] | undefined) ?? Object.keys(raw));
    return Object.entries(raw as Record<string, { confidence: number; class_id: number }>)
      .filter(([name]) => predicted.has(name))
      .map(([name, v]) => ({ class: name, class_id: v.class_id, confidence: v.confidence }))
      .sort((a, b) => b.confidence - a.confidence);
  }
  return [];
}

export const classificationLabelVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/classification_label_visualization@v1',
    humanName: 'Classification Label Visualization',
    shortDescription: 'Draw the predicted classes of a classification model on the image.',
    icon: 'fas fa-tags',
    colorable: true,
    predictionKinds: ['classification_prediction'],
    properties: {
      text: enumProperty(
        'Text',
        'The type of text to display.',
        ['Class', 'Confidence', 'Class and Confidence'],
        'Class and Confidence',
      ),
      text_position: enumProperty(
        'Text Position',
        'Where on the image the labels are placed.',
        POSITIONS.filter((p) => p !== 'CENTER_OF_MASS'),
        'TOP_LEFT',
      ),
      text_color: colorProperty('Text Color', 'Color of the text.', 'WHITE'),
      text_scale: floatProperty('Text Scale', 'Scale of the text.', 1.0),
      text_thickness: intProperty('Text Thickness', 'Thickness of the text characters.', 1),
      text_padding: intProperty('Text Padding', 'Padding around the text in pixels.', 10),
      border_radius: intProperty('Border Radius', 'Radius of the label corners in pixels.', 0),
    },
  },
  async (canvas, params, context) => {
    const prediction = (params.predictions ?? {}) as unknown as Record<string, unknown>;
    const classes = predictedClasses(prediction);
    const palette = buildPalette(
      String(params.color_palette ?? 'DEFAULT'),
      Number(params.palette_size ?? 10),
      params.custom_colors,
      context.stepName,
    );
    const textColor = requireColor(params.text_color ?? 'WHITE', context.stepName, 'text_color');
    const fontPx = PX_PER_TEXT_SCALE * Number(params.text_scale ?? 1);
    const padding = Number(params.text_padding ?? 10);
    const rowHeight = Math.round(fontPx * 0.73) + 2 * padding;
    const position = String(params.text_position ?? 'TOP_LEFT');
    // Labels stack away from the image edge they are anchored to, mirroring detection label placement.
    const anchorX = position.endsWith('LEFT') ? 0 : position.endsWith('RIGHT') ? canvas.width : canvas.width / 2;
    const fromBottom = position.startsWith('BOTTOM');
    const baseY = position.startsWith('TOP')
      ? 0
      : fromBottom
        ? canvas.height
        : canvas.height / 2 - (classes.length * rowHeight) / 2;
    const labelPosition = position.endsWith('LEFT')
      ? 'BOTTOM_LEFT'
      : position.endsWith('RIGHT')
        ? 'BOTTOM_RIGHT'
        : 'BOTTOM_CENTER';
    const labels: Label[] = classes.map((c, k) => {
      const text =
        params.text === 'Class'
          ? c.class
          : params.text === 'Confidence'
            ? c.confidence.toFixed(2)
            : `${c.class} ${c.confidence.toFixed(2)}`;
      const y = fromBottom ? baseY - (classes.length - k) * rowHeight : baseY + k * rowHeight;
      return {
        text,
        anchor: [anchorX, y],
        position: labelPosition,
        background: paletteColor(palette, c.class_id ?? k),
        textColor,
      };
    });
    await drawLabels(canvas, labels, { fontPx, padding, borderRadius: Number(params.border_radius ?? 0) });
  },
);
