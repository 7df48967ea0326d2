// roboflow_core/qr_code_generator@v1: renders text as a QR code image (byte mode, error-correction level M,
// smallest version 1-10 that fits, 10-pixel modules, quiet zone of `border` modules).
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionEngineError, WorkflowImage, defineBlock, literalOrSelector } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import { QrCapacityError, encodeQr } from '../common/qr/encoder.ts';
import { renderQr } from '../common/qr/render.ts';

interface Params {
  text: string;
  border: number;
  fill_color: string;
  back_color: string;
}

const MODULE_PIXELS = 10;

export const qrCodeGeneratorV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/qr_code_generator@v1',
    aliases: ['QRCodeGenerator'],
    humanName: 'QR Code Generator',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Generate a QR code image from text.',
    longDescription:
      'Encodes the text (UTF-8, byte mode) as a QR code with error-correction level M in the smallest version ' +
      'that holds it (versions 1-10, up to 213 bytes), drawn with 10-pixel modules, `border` modules of quiet zone, ' +
      'dark modules in `fill_color` on `back_color`.',
    searchKeywords: ['qr', 'qr code', 'barcode', 'generate'],
    ui: { section: 'transformation', icon: 'far fa-qrcode', blockPriority: 12 },
    properties: {
      text: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Text',
        description: 'Text to encode.',
        examples: ['https://roboflow.com', '$inputs.url'],
      }),
      border: literalOrSelector({ type: 'integer', minimum: 0 }, ['integer'], {
        title: 'Border',
        description: 'Quiet zone width in modules.',
        default: 4,
        examples: [4],
      }),
      fill_color: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Fill Color',
        description: 'Colour of the dark modules.',
        default: 'BLACK',
        examples: ['BLACK', '#000000'],
      }),
      back_color: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Background Color',
        description: 'Colour of the light modules and the border.',
        default: 'WHITE',
        examples: ['WHITE', '#FFFFFF'],
      }),
    },
    required: ['text'],
    outputs: [{ name: 'qr_code', kind: ['image'] }],
  },
  run({ text, border, fill_color, back_color }, context) {
    if (typeof text !== 'string') {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: field \`text\` holds ${JSON.stringify(text)}, expected a string`,
      );
    }
    if (!Number.isInteger(border) || border < 0) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: field \`border\` holds ${JSON.stringify(border)}, expected a non-negative integer`,
      );
    }
    const fill = requireColor(fill_color, context.stepName, 'fill_color');
    const back = requireColor(back_color, context.stepName, 'back_color');
    let matrix;
    try {
      matrix = encodeQr(text);
    } catch (error) {
      if (error instanceof QrCapacityError)
        throw new WorkflowExecutionEngineError(`Step ${context.stepName}: field \`text\`: ${error.message}`);
      throw error;
    }
    const { pixels, width, height } = renderQr(matrix, { moduleSize: MODULE_PIXELS, border, fill, back });
    return { qr_code: new WorkflowImage(pixels, width, height, { parentId: `qr_code.${randomUUID()}` }) };
  },
});
