// The editor model behind issue #11, on the real block descriptions of a real server: search ranking and
// synonyms, wiring a dropped wire, cycles, error placement, model-id checks, bypass and the listing route.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import { searchBlocks } from '../../editor/model/search.ts';
import { acceptingProperty, fillRequired, wireFit } from '../../editor/model/wire-in.ts';
import { checkConnection } from '../../editor/model/kinds.ts';
import { placeErrors } from '../../editor/model/validation.ts';
import { modelIdProblem, modelWarnings, type InstalledModel } from '../../editor/model/model-check.ts';
import { effectiveDefinition, addExtra, canvasExtras, patchLayoutEntry } from '../../editor/model/canvas-extras.ts';
import { groupedOperations, kindsAfter, plainLabel } from '../../editor/model/uql-plain.ts';
import { UqlLanguage } from '../../editor/model/uql-language.ts';
import { moveNodes } from '../../editor/model/edit.ts';
import type { EditorDocument, WorkflowDefinition } from '../../editor/model/types.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';

let server: RunningServer;
let catalog: BlockCatalog;
let uql: UqlLanguage;

before(async () => {
  server = await startTestServer({ config: { logLevel: 'warn' } });
  const described = await (await fetch(`${server.url}/workflows/blocks/describe`)).json();
  catalog = new BlockCatalog(described);
  uql = new UqlLanguage(described.universal_query_language_description);
});
after(() => server?.close());

const OD = 'roboflow_core/roboflow_object_detection_model@v2';
const det = { type: OD, name: 'det', images: '$inputs.image', model_id: 'coco/3' };
const image = { type: 'WorkflowImage', name: 'image' };
const def = (steps: WorkflowDefinition['steps'], outputs: WorkflowDefinition['outputs'] = []): WorkflowDefinition => ({
  version: '1.0',
  inputs: [image],
  steps,
  outputs,
});

describe('search', () => {
  test('common words put the block that does it first', () => {
    const first = (q: string) => searchBlocks(catalog, q)[0]!;
    assert.equal(first('crop').block.type, 'roboflow_core/dynamic_crop@v1');
    assert.equal(first('bounding box').block.type, 'roboflow_core/bounding_box_visualization@v1');
    assert.equal(first('blur').block.type, 'roboflow_core/blur_visualization@v1');
    assert.match(first('track').block.type, /byte_tracker/);
    const count = first('count');
    assert.equal(count.recipe?.label, 'Count detections');
    assert.deepEqual(count.recipe?.properties, { operations: [{ type: 'SequenceLength' }] });
  });
  test('a name match beats a description match; nothing typed lists the popular blocks first', () => {
    const hits = searchBlocks(catalog, 'object detection');
    assert.match(hits[0]!.block.type, /roboflow_object_detection_model/);
    assert.match(searchBlocks(catalog, '')[0]!.block.type, /roboflow_object_detection_model/);
    assert.deepEqual(searchBlocks(catalog, 'no such words at all'), []);
  });
});

describe('a dropped wire', () => {
  test('filters to blocks that take its kind and picks the port', () => {
    const wire = {
      from: { node: 'step:det', handle: 'predictions', type: 'source' as const },
      kinds: ['object_detection_prediction'],
    };
    const crop = catalog.get('roboflow_core/dynamic_crop@v1')!;
    assert.equal(acceptingProperty(crop, wire.kinds)?.name, 'predictions');
    assert.equal(wireFit(crop, wire), 2);
    assert.equal(wireFit(catalog.get('roboflow_core/string_template@v1')!, wire) < 2, true);
  });
  test("fills the new block's other required ports from the source step or the only image", () => {
    const doc: EditorDocument = {
      definition: def([
        det,
        { type: 'roboflow_core/dynamic_crop@v1', name: 'crop', predictions: '$steps.det.predictions' },
      ]),
      layout: {},
    };
    const filled = fillRequired(doc, catalog, 'crop', 'det');
    assert.equal(filled.doc.definition.steps[1]!.images, '$inputs.image');
    assert.deepEqual(filled.wired, ['images ← $inputs.image']);
  });
});

test('a wire that closes a loop is refused with the path', () => {
  const d = def([
    det,
    {
      type: 'roboflow_core/bounding_box_visualization@v1',
      name: 'viz',
      image: '$inputs.image',
      predictions: '$steps.det.predictions',
    },
  ]);
  const verdict = checkConnection(
    d,
    catalog,
    { node: 'step:viz', handle: 'image' },
    { node: 'step:det', handle: 'images' },
  );
  assert.equal(verdict.ok, false);
  assert.match(verdict.reason, /cycle: 'det' already feeds 'viz' \(det → viz\)/);
});

describe('errors are placed by what they name, once', () => {
  test('an output named like an input gets the error', () => {
    const d = def([det], [{ type: 'JsonField', name: 'image', selector: '$steps.det.nothing' }]);
    const placed = placeErrors(d, {
      message: 'x',
      blocks_errors: [
        { block_id: 'image', block_type: null, property_name: 'selector', property_details: 'no output' },
      ],
    });
    assert.deepEqual(Object.keys(placed.nodes), ['output:image']);
  });
  test('a kind conflict lands on the step that has it only', () => {
    const d = def([
      det,
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'viz',
        image: '$steps.det.predictions',
        predictions: '$steps.det.predictions',
      },
    ]);
    const placed = placeErrors(d, {
      message:
        "Failed to validate reference '$steps.det.predictions' of step 'viz', property 'image': the property accepts kinds [image]",
      error_type: 'ReferenceTypeError',
    });
    assert.deepEqual(Object.keys(placed.nodes), ['step:viz']);
    assert.equal(placed.nodes['step:viz']![0]!.property, 'image');
  });
});

test('model ids: installed ids and aliases pass, others get a suggestion', () => {
  const models: InstalledModel[] = [
    {
      model_id: 'coco/3',
      task_type: 'object-detection',
      classes: ['person'],
      input_width: 640,
      input_height: 640,
      aliases: ['yolov8n-640'],
    },
  ];
  assert.equal(modelIdProblem(models, 'object-detection', 'yolov8n-640'), null);
  assert.equal(modelIdProblem(models, 'object-detection', '$inputs.model'), null);
  assert.equal(
    modelIdProblem(models, 'object-detection', 'coco/33'),
    "'coco/33' is not installed here; did you mean coco/3?",
  );
  assert.match(
    modelIdProblem(models, 'classification', 'coco/3')!,
    /is a object-detection model; this block needs classification/,
  );
  assert.deepEqual(Object.keys(modelWarnings(def([{ ...det, model_id: 'nope/1' }]), catalog, models)), ['step:det']);
});

test('operations in plain words, filtered by the kind entering the chain', () => {
  assert.equal(plainLabel('SequenceLength'), 'number of items (count detections)');
  const onDetections = groupedOperations(uql, ['object_detection_prediction']).flatMap((g) =>
    g.operations.map((o) => o.type),
  );
  assert.ok(onDetections.includes('SequenceLength') && onDetections.includes('DetectionsFilter'));
  assert.ok(!onDetections.includes('StringToLowerCase'));
  const afterCount = kindsAfter(uql, ['object_detection_prediction'], ['SequenceLength']);
  assert.deepEqual(afterCount, ['integer']);
});

describe('editor metadata', () => {
  test('notes and groups live in the layout, survive moves, never reach the definition', () => {
    let doc: EditorDocument = { definition: def([det]), layout: { 'step:det': { x: 0, y: 0 } } };
    doc = addExtra(doc, 'note', { x: 10, y: 20 });
    doc = patchLayoutEntry(doc, 'note:1', { text: 'hello' });
    doc = moveNodes(doc, { 'note:1': { x: 50, y: 60 } });
    assert.deepEqual(
      canvasExtras(doc.layout).map((x) => [x.id, x.meta.text, x.meta.x]),
      [['note:1', 'hello', 50]],
    );
    assert.doesNotMatch(JSON.stringify(doc.definition), /hello/);
  });
  test('a bypassed step is left out and its consumers take its matching input', () => {
    const blur = {
      type: 'roboflow_core/blur_visualization@v1',
      name: 'blur',
      image: '$inputs.image',
      predictions: '$steps.det.predictions',
    };
    const viz = {
      type: 'roboflow_core/bounding_box_visualization@v1',
      name: 'viz',
      image: '$steps.blur.image',
      predictions: '$steps.det.predictions',
    };
    const d = def([det, blur, viz], [{ type: 'JsonField', name: 'out', selector: '$steps.viz.image' }]);
    const layout = { 'step:blur': { x: 0, y: 0, bypass: true } as { x: number; y: number } };
    const effective = effectiveDefinition(d, layout, catalog);
    assert.deepEqual(
      effective.steps.map((s) => s.name),
      ['det', 'viz'],
    );
    assert.equal(effective.steps[1]!.image, '$inputs.image');
    assert.equal(effectiveDefinition(d, {}, catalog), d, 'nothing bypassed: the same definition');
  });
});

test('GET /model/packages lists installed packages without paths', async () => {
  const body = await (await fetch(`${server.url}/model/packages`)).json();
  assert.ok(Array.isArray(body.packages));
  for (const p of body.packages) {
    assert.deepEqual(Object.keys(p).sort(), [
      'aliases',
      'classes',
      'input_height',
      'input_width',
      'model_id',
      'task_type',
    ]);
    assert.doesNotMatch(JSON.stringify(p), /\/tmp|\.onnx|sightline-test/);
  }
});
