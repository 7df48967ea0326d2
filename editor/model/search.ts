// Block search by relevance: a name match beats a description match, and common words newcomers type
// ("count", "blur", "track", "zone", "filter", "crop", "box"...) map to the blocks, or to a block with an
// operation already set, that do them. Used by the palette and the quick-add popup.
import type { BlockCatalog, BlockInfo, BlockLine } from './catalog.ts';
import type { JsonObject } from './types.ts';

/** A block added with some properties already filled in ("Count detections" = Property Definition + SequenceLength). */
export interface Recipe {
  label: string;
  /** Step name for the added block. */
  name: string;
  description: string;
  properties: JsonObject;
}

export interface SearchHit {
  line: BlockLine;
  block: BlockInfo;
  score: number;
  recipe?: Recipe;
}

interface Synonym {
  /** Words or phrases (lower case) that call this up. */
  words: string[];
  /** Block line key (type without `@vN`). */
  line: string;
  recipe?: Recipe;
}

const COUNT: Recipe = {
  label: 'Count detections',
  name: 'count',
  description: 'Number of detections (Property Definition with “number of items”).',
  properties: { operations: [{ type: 'SequenceLength' }] },
};
const CLASS_NAMES: Recipe = {
  label: 'Class names of detections',
  name: 'class_names',
  description: 'The class name of each detection (Property Definition).',
  properties: { operations: [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }] },
};

const SYNONYMS: Synonym[] = [
  {
    words: ['count', 'counter', 'number of', 'how many', 'length', 'size of'],
    line: 'property_definition',
    recipe: COUNT,
  },
  { words: ['class names', 'labels list'], line: 'property_definition', recipe: CLASS_NAMES },
  { words: ['count line', 'line count', 'crossing'], line: 'line_counter' },
  { words: ['count pixels'], line: 'pixel_color_count' },
  { words: ['blur', 'anonymize', 'privacy', 'hide faces'], line: 'blur_visualization' },
  { words: ['pixelate', 'censor'], line: 'pixelate_visualization' },
  { words: ['track', 'tracker', 'tracking', 'ids'], line: 'byte_tracker' },
  { words: ['zone', 'region', 'area', 'polygon zone'], line: 'time_in_zone' },
  { words: ['zone', 'draw zone'], line: 'polygon_zone_visualization' },
  { words: ['filter', 'keep only', 'only class', 'remove'], line: 'detections_filter' },
  { words: ['crop', 'cut out', 'crops', 'each detection'], line: 'dynamic_crop' },
  { words: ['bounding box', 'box', 'boxes', 'draw', 'rectangle', 'annotate'], line: 'bounding_box_visualization' },
  { words: ['label', 'labels', 'caption', 'class name'], line: 'label_visualization' },
  { words: ['ocr', 'text', 'read text', 'read', 'recognize text', 'license plate'], line: 'ocr_model' },
  {
    words: ['detect', 'detection', 'detector', 'yolo', 'people', 'person', 'objects', 'find'],
    line: 'roboflow_object_detection_model',
  },
  { words: ['segment', 'segmentation', 'mask'], line: 'roboflow_instance_segmentation_model' },
  { words: ['pose', 'keypoints', 'skeleton'], line: 'roboflow_keypoint_detection_model' },
  { words: ['classify', 'classification', 'tag'], line: 'roboflow_classification_model' },
  { words: ['text template', 'message', 'format text', 'sentence'], line: 'string_template' },
  { words: ['if', 'condition', 'only when', 'stop'], line: 'continue_if' },
  { words: ['resize', 'rotate', 'flip'], line: 'image_preprocessing' },
  { words: ['save', 'file', 'write'], line: 'local_file_sink' },
  { words: ['webhook', 'http', 'notify'], line: 'webhook_sink' },
  { words: ['email', 'mail'], line: 'email_notification' },
  { words: ['speed'], line: 'velocity' },
  { words: ['qr'], line: 'qr_code_detector' },
];

/** What people reach for first: listed first when nothing is typed yet. */
const POPULAR = [
  'roboflow_object_detection_model',
  'dynamic_crop',
  'bounding_box_visualization',
  'label_visualization',
  'ocr_model',
  'property_definition',
  'detections_filter',
  'blur_visualization',
  'roboflow_instance_segmentation_model',
  'roboflow_classification_model',
  'byte_tracker',
  'string_template',
  'continue_if',
];

const lineOf = (key: string) => key.replace(/^.*\//, '');

function wordStart(text: string, word: string): boolean {
  return new RegExp(`(^|[^a-z0-9])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(text);
}

/** Score one block for the query words; 0 when a word matches nowhere. */
function scoreBlock(b: BlockInfo, words: string[], phrase: string): number {
  const name = b.name.toLowerCase();
  const type = b.type.toLowerCase();
  const short = b.shortDescription.toLowerCase();
  const long = b.longDescription.toLowerCase();
  const keywords = b.keywords.join(' ').toLowerCase();
  let score = 0;
  for (const w of words) {
    let best = 0;
    if (wordStart(name, w)) best = 12;
    else if (name.includes(w)) best = 8;
    else if (wordStart(keywords, w)) best = 6;
    else if (type.includes(w)) best = 5;
    else if (wordStart(short, w)) best = 4;
    else if (short.includes(w)) best = 3;
    else if (long.includes(w)) best = 1;
    if (best === 0) return 0;
    score += best;
  }
  if (name === phrase) score += 30;
  else if (name.startsWith(phrase)) score += 15;
  else if (words.length > 1 && name.includes(phrase)) score += 10;
  return score;
}

/** Ranked hits for a query: synonyms (and their recipes) first when they fit, then by score, then by name. */
export function searchBlocks(catalog: BlockCatalog, query: string, accepts?: (b: BlockInfo) => boolean): SearchHit[] {
  const phrase = query.toLowerCase().trim().replace(/\s+/g, ' ');
  const words = phrase.split(' ').filter(Boolean);
  const lines = catalog.blockLines();
  const hits = new Map<string, SearchHit>();
  const put = (hit: SearchHit) => {
    if (accepts && !accepts(hit.block)) return;
    const key = hit.recipe ? `${hit.line.key}#${hit.recipe.label}` : hit.line.key;
    const prev = hits.get(key);
    if (!prev || prev.score < hit.score) hits.set(key, hit);
  };
  for (const line of lines) {
    if (!phrase) {
      const popular = POPULAR.indexOf(lineOf(line.key));
      put({ line, block: line.latest, score: line.deprecated ? -1 : popular === -1 ? 0 : POPULAR.length - popular });
      continue;
    }
    const score = Math.max(...line.versions.map((v) => scoreBlock(v, words, phrase)));
    if (score > 0) put({ line, block: line.latest, score: score - (line.deprecated ? 20 : 0) });
  }
  if (phrase) {
    for (const syn of SYNONYMS) {
      const exact = syn.words.includes(phrase);
      const partial = !exact && phrase.length >= 3 && syn.words.some((w) => w.startsWith(phrase));
      if (!exact && !partial) continue;
      const line = lines.find((l) => lineOf(l.key) === syn.line);
      if (!line) continue;
      put({ line, block: line.latest, score: (exact ? 60 : 25) + (syn.recipe ? 1 : 0), recipe: syn.recipe });
    }
  }
  return [...hits.values()].sort(
    (a, b) => b.score - a.score || hitName(a).localeCompare(hitName(b)) || a.line.key.localeCompare(b.line.key),
  );
}

export function hitName(hit: SearchHit): string {
  return hit.recipe?.label ?? hit.line.name;
}
