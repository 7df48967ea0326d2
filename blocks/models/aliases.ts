// Roboflow's public model aliases (docs/roboflow-compatibility.md#model-ids-and-aliases) and model id validation. Unknown names pass through unchanged.
import { InvalidModelIDError } from '../../engine/index.ts';

const SIZES = ['n', 's', 'm', 'l', 'x'] as const;

// Long on purpose: a data table of Roboflow's model aliases.
function build(): Map<string, string> {
  const aliases = new Map<string, string>();
  const add = (name: string, target: string) => aliases.set(name, target);
  const seg = (v: number) => `coco-dataset-vdnr1/${v}`;

  const yolov8Det: Record<string, [number, number]> = { n: [3, 9], s: [6, 10], m: [8, 11], l: [7, 12], x: [5, 13] };
  for (const [size, [at640, at1280]] of Object.entries(yolov8Det)) {
    add(`yolov8${size}-640`, `coco/${at640}`);
    add(`yolov8${size}-1280`, `coco/${at1280}`);
  }
  add('yolo-nas-s-640', 'coco/14');
  add('yolo-nas-m-640', 'coco/15');
  add('yolo-nas-l-640', 'coco/16');

  const yolov8Seg: Record<string, [number, number]> = { n: [2, 7], s: [4, 8], m: [5, 9], l: [6, 10], x: [3, 11] };
  for (const [size, [at640, at1280]] of Object.entries(yolov8Seg)) {
    add(`yolov8${size}-seg-640`, seg(at640));
    add(`yolov8${size}-seg-1280`, seg(at1280));
  }
  SIZES.forEach((size, i) => add(`yolov8${size}-pose-640`, `coco-pose-detection/${i + 1}`));
  add('yolov8x-pose-1280', 'coco-pose-detection/6');

  ['n', 's', 'm', 'b', 'l', 'x'].forEach((size, i) => add(`yolov10${size}-640`, `coco/${19 + i}`));

  for (const prefix of ['yolov11', 'yolo11']) {
    SIZES.forEach((size, i) => {
      add(`${prefix}${size}-seg-640`, seg(19 + i));
      add(`${prefix}${size}-640`, `coco/${25 + i}`);
      add(`${prefix}${size}-1280`, `coco/${30 + i}`);
    });
  }

  const yolo26Seg = [27, 28, 29, 31, 34];
  for (const prefix of ['yolov26', 'yolo26']) {
    SIZES.forEach((size, i) => {
      add(`${prefix}${size}-640`, `coco/${41 + i}`);
      add(`${prefix}${size}-seg-640`, seg(yolo26Seg[i]!));
      add(`${prefix}${size}-pose-640`, `coco-pose-detection/${12 + i}`);
      add(`${prefix}${size}-sem-1024`, `yolo26-pretrains/yolo26${size}-sem`);
      add(`${prefix}${size}-depth-768`, `yolo26-pretrains/yolo26${size}-depth`);
    });
  }

  const rfdetr: Record<string, string> = {
    'rfdetr-base': 'coco/36',
    'rfdetr-nano': 'coco/38',
    'rfdetr-small': 'coco/39',
    'rfdetr-medium': 'coco/40',
    'rfdetr-large': 'coco/50',
    'rfdetr-xlarge': 'coco/47',
    'rfdetr-2xlarge': 'coco/48',
    'rfdetr-seg-preview': seg(26),
    'rfdetr-seg-nano': seg(41),
    'rfdetr-seg-small': seg(36),
    'rfdetr-seg-medium': seg(37),
    'rfdetr-seg-large': seg(38),
    'rfdetr-seg-xlarge': seg(39),
    'rfdetr-seg-2xlarge': seg(40),
    'rfdetr-keypoint-preview': 'microsoft/coco-pose-detection-17-rfdetr-keypoint-preview-t1',
  };
  for (const [name, target] of Object.entries(rfdetr)) add(name, target);

  ['resnet18', 'resnet34', 'resnet50', 'resnet101'].forEach((name, i) => add(name, `classifiers/${i + 1}`));

  add('paligemma-3b-mix-224', 'paligemma-pretrains/1');
  add('paligemma-3b-mix-448', 'paligemma-pretrains/20');
  const paligemmaTasks = ['cococap', 'screen2words', 'vqav2', 'tallyqa', 'docvqa', 'ocrvqa'];
  [224, 448].forEach((resolution, r) =>
    paligemmaTasks.forEach((task, t) =>
      add(`paligemma-3b-ft-${task}-${resolution}`, `paligemma-pretrains/${8 + r * paligemmaTasks.length + t}`),
    ),
  );
  add('florence-2-base', 'florence-pretrains/3');
  add('florence-2-large', 'florence-pretrains/4');
  add('qwen25-vl-7b', 'qwen-pretrains/1');
  add('qwen3vl-2b-instruct', 'qwen-pretrains/2');
  add('smolvlm2', 'smolvlm-2.2b-instruct');
  add('sam3-3d-objects', 'captoin-t38zo/1');
  return aliases;
}

/** alias → canonical model id. */
export const MODEL_ALIASES: ReadonlyMap<string, string> = build();

export function resolveModelAlias(modelId: string): string {
  return MODEL_ALIASES.get(modelId) ?? modelId;
}

/** All aliases that resolve to a canonical id (for `request_aliases` in model descriptions). */
export function aliasesOf(canonicalId: string): string[] {
  const out: string[] = [];
  for (const [alias, target] of MODEL_ALIASES) if (target === canonicalId) out.push(alias);
  return out;
}

/**
 * Resolves aliases and checks the id can name a cache folder: at most one `/`, no empty, `.` or `..` segments,
 * no backslashes or control characters (the id becomes a path under the cache dir).
 */
export function resolveModelId(modelId: unknown): string {
  if (typeof modelId !== 'string' || modelId.trim() === '') {
    throw new InvalidModelIDError(`Model id must be a non-empty string, got ${JSON.stringify(modelId)}`);
  }
  const resolved = resolveModelAlias(modelId.trim());
  const segments = resolved.split('/');
  if (segments.length > 2) {
    throw new InvalidModelIDError(`Model id "${modelId}" is invalid: expected "<project>/<version>" with a single "/"`);
  }
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || /[\\\u0000-\u001f]/.test(segment)) {
      throw new InvalidModelIDError(`Model id "${modelId}" is invalid: segment "${segment}" is not allowed`);
    }
  }
  return resolved;
}
