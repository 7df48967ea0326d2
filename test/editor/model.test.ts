// The editor's framework-free workflow model: round trips, kind compatibility, selector bookkeeping, history
// and copy/paste, all on plain definitions (and every conformance definition when ../shared is present).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import { definitionToGraph, graphToDefinition, nodeId } from '../../editor/model/graph.ts';
import { checkConnection, kindsCompatible } from '../../editor/model/kinds.ts';
import { addStep, connect, disconnect, removeNodes, renameStep, renameInput } from '../../editor/model/edit.ts';
import { History } from '../../editor/model/history.ts';
import { copySteps, pasteSteps } from '../../editor/model/clipboard.ts';
import { placeErrors } from '../../editor/model/validation.ts';
import { autoLayout } from '../../editor/model/layout.ts';
import type { BlocksDescription, EditorDocument, WorkflowDefinition } from '../../editor/model/types.ts';

const kind = (name: string) => ({ name, description: name });
const sel = (kinds: string[], extra: Record<string, unknown> = {}) => ({
  type: 'string',
  reference: true,
  selected_element: 'any_data',
  kind: kinds.map(kind),
  ...extra,
});

// A describe response shaped like Roboflow's (docs/roboflow-compatibility.md#blocks-and-describe) for three blocks.
const blocksDescription: BlocksDescription = {
  blocks: [
    {
      manifest_type_identifier: 'roboflow_core/roboflow_object_detection_model@v2',
      manifest_type_identifier_aliases: ['ObjectDetectionModel'],
      human_friendly_block_name: 'Object Detection Model',
      outputs_manifest: [
        { name: 'inference_id', kind: [kind('inference_id')] },
        { name: 'predictions', kind: [kind('object_detection_prediction')] },
      ],
      block_schema: {
        block_type: 'model',
        short_description: 'Detect objects',
        properties: {
          type: { enum: ['roboflow_core/roboflow_object_detection_model@v2', 'ObjectDetectionModel'] },
          name: { type: 'string' },
          images: sel(['image']),
          model_id: { anyOf: [{ type: 'string' }, sel(['roboflow_model_id'])] },
          confidence: { default: 0.4, anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, sel(['float_zero_to_one'])] },
        },
        required: ['type', 'name', 'images', 'model_id'],
        property_aliases: { image: 'images' },
      },
    },
    {
      manifest_type_identifier: 'roboflow_core/bounding_box_visualization@v1',
      human_friendly_block_name: 'Bounding Box Visualization',
      outputs_manifest: [{ name: 'image', kind: [kind('image')] }],
      block_schema: {
        block_type: 'visualization',
        properties: {
          type: { const: 'roboflow_core/bounding_box_visualization@v1' },
          name: { type: 'string' },
          image: sel(['image']),
          predictions: sel(['object_detection_prediction', 'instance_segmentation_prediction']),
          copy_image: { anyOf: [{ type: 'boolean' }, sel(['boolean'])] },
        },
      },
    },
    {
      manifest_type_identifier: 'roboflow_core/detections_consensus@v1',
      human_friendly_block_name: 'Detections Consensus',
      outputs_manifest: [{ name: 'predictions', kind: [kind('object_detection_prediction')] }],
      block_schema: {
        block_type: 'fusion',
        properties: {
          type: { const: 'roboflow_core/detections_consensus@v1' },
          name: { type: 'string' },
          predictions_batches: { type: 'array', items: sel(['object_detection_prediction']) },
          evaluation: { type: 'object', additionalProperties: { anyOf: [sel(['*']), {}] } },
          next_steps: { type: 'array', items: { type: 'string', reference: true, selected_element: 'step' } },
        },
      },
    },
  ],
};
const catalog = new BlockCatalog(blocksDescription);

function sample(): WorkflowDefinition {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'conf', default_value: 0.3, kind: ['float_zero_to_one'] },
    ],
    steps: [
      {
        type: 'ObjectDetectionModel',
        name: 'det',
        image: '$inputs.image',
        model_id: 'coco/3',
        confidence: '$inputs.conf',
        custom_unknown: { a: [1, 2] },
      },
      {
        type: 'roboflow_core/detections_consensus@v1',
        name: 'cons',
        predictions_batches: ['$steps.det.predictions', '$steps.det.predictions'],
        evaluation: { x: '$inputs.conf', lit: 3 },
      },
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'viz',
        image: '$inputs.image',
        predictions: '$steps.cons.predictions',
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'all', selector: '$steps.det.*', coordinates_system: 'own' },
      { type: 'JsonField', name: 'viz', selector: '$steps.viz.image' },
    ],
    dynamic_blocks_definitions: [],
    some_unknown_top_level: { keep: true },
  };
}

describe('definition ⇄ graph', () => {
  test('round trip keeps a hand-written definition exactly, unknown fields included', () => {
    const def = sample();
    const graph = definitionToGraph(structuredClone(def), {}, catalog);
    assert.deepEqual(graphToDefinition(graph), def);
    assert.deepEqual(Object.keys(graphToDefinition(graph)), Object.keys(def));
  });

  test('edges follow selectors: scalar, list items, dict values and outputs', () => {
    const graph = definitionToGraph(sample(), {}, catalog);
    const edges = graph.edges.map(
      (e) => `${e.source}.${e.sourceHandle}->${e.target}.${e.targetHandle}[${e.key ?? ''}]`,
    );
    assert.ok(edges.includes('input:image.value->step:det.images[]'), 'the alias image lands on images');
    assert.ok(edges.includes('input:conf.value->step:det.confidence[]'));
    assert.ok(edges.includes('step:det.predictions->step:cons.predictions_batches[1]'));
    assert.ok(edges.includes('input:conf.value->step:cons.evaluation[x]'));
    assert.ok(edges.includes('step:det.*->output:all.selector[]'));
    assert.equal(graph.edges.length, 9);
    assert.deepEqual(graph.dangling, []);
  });

  test('a selector to a missing step is reported as dangling, not an edge', () => {
    const def = sample();
    def.steps[2].predictions = '$steps.missing.predictions';
    const graph = definitionToGraph(def, {}, catalog);
    assert.deepEqual(graph.dangling, [
      { node: 'step:viz', property: 'predictions', selector: '$steps.missing.predictions' },
    ]);
  });

  test('round trip on every conformance definition', { skip: needsShared }, () => {
    const dir = path.join(CONFORMANCE_DIR, 'defs');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 40);
    for (const file of files) {
      const def = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const graph = definitionToGraph(structuredClone(def), {}, catalog);
      assert.deepEqual(graphToDefinition(graph), def, file);
      assert.equal(
        graph.nodes.length,
        (def.inputs?.length ?? 0) + (def.steps?.length ?? 0) + (def.outputs?.length ?? 0),
        file,
      );
    }
  });
});

describe('kind compatibility', () => {
  const def = sample();
  test('shared kind names and the wildcard connect', () => {
    assert.equal(kindsCompatible(['image'], ['image']), true);
    assert.equal(kindsCompatible(['*'], ['image']), true);
    assert.equal(kindsCompatible(['object_detection_prediction'], ['*']), true);
    assert.equal(kindsCompatible(['image'], ['object_detection_prediction']), false);
  });
  test('detections into a visualization are accepted; an image into predictions is refused with a reason', () => {
    const ok = checkConnection(
      def,
      catalog,
      { node: 'step:det', handle: 'predictions' },
      { node: 'step:viz', handle: 'predictions' },
    );
    assert.equal(ok.ok, true);
    const bad = checkConnection(
      def,
      catalog,
      { node: 'input:image', handle: 'value' },
      { node: 'step:viz', handle: 'predictions' },
    );
    assert.equal(bad.ok, false);
    assert.match(
      bad.reason,
      /kind \[image\].*accepts \[object_detection_prediction, instance_segmentation_prediction\]/,
    );
  });
  test('a parameter declared float_zero_to_one feeds confidence, a literal-only property refuses', () => {
    assert.equal(
      checkConnection(def, catalog, { node: 'input:conf', handle: 'value' }, { node: 'step:det', handle: 'confidence' })
        .ok,
      true,
    );
    const none = checkConnection(
      def,
      catalog,
      { node: 'input:conf', handle: 'value' },
      { node: 'step:det', handle: 'nonexistent' },
    );
    assert.equal(none.ok, false);
  });
  test('step selectors take whole steps only', () => {
    const flow = checkConnection(
      def,
      catalog,
      { node: 'step:cons', handle: '__step__' },
      { node: 'step:viz', handle: '__flow__' },
    );
    assert.equal(flow.ok, true);
    const notFlow = checkConnection(
      def,
      catalog,
      { node: 'step:det', handle: '__step__' },
      { node: 'step:viz', handle: '__flow__' },
    );
    assert.equal(notFlow.ok, false, 'a model step has no next_steps');
    const data = checkConnection(
      def,
      catalog,
      { node: 'step:det', handle: 'predictions' },
      { node: 'step:cons', handle: 'next_steps' },
    );
    assert.equal(data.ok, false);
    assert.match(data.reason, /whole step/);
    const d = connect(
      { definition: def, layout: {} },
      catalog,
      { node: 'step:cons', handle: '__step__' },
      { node: 'step:viz', handle: '__flow__' },
    );
    assert.deepEqual(d.definition.steps[1].next_steps, ['$steps.viz']);
    const flowEdge = definitionToGraph(d.definition, {}, catalog).edges.find((e) => e.control)!;
    assert.deepEqual([flowEdge.source, flowEdge.target, flowEdge.property], ['step:cons', 'step:viz', 'next_steps']);
  });
});

describe('editing keeps selectors right', () => {
  const doc = (): EditorDocument => ({ definition: sample(), layout: {} });
  test('connect sets scalars, appends to lists, adds dict entries; disconnect removes exactly one', () => {
    let d = doc();
    d = connect(d, catalog, { node: 'step:det', handle: 'predictions' }, { node: 'step:viz', handle: 'predictions' });
    assert.equal(d.definition.steps[2].predictions, '$steps.det.predictions');
    d = connect(d, catalog, { node: 'step:viz', handle: 'image' }, { node: 'output:viz', handle: 'selector' });
    assert.equal(d.definition.outputs[1].selector, '$steps.viz.image');
    d = connect(d, catalog, { node: 'input:image', handle: 'value' }, { node: 'step:cons', handle: 'evaluation' });
    assert.deepEqual(d.definition.steps[1].evaluation, { x: '$inputs.conf', lit: 3, image: '$inputs.image' });
    const edge = definitionToGraph(d.definition, {}, catalog).edges.find(
      (e) => e.target === 'step:cons' && e.key === 1,
    )!;
    d = disconnect(d, edge);
    assert.deepEqual(d.definition.steps[1].predictions_batches, ['$steps.det.predictions']);
  });
  test('renaming a step or input rewrites every selector and the layout key', () => {
    let d: EditorDocument = { definition: sample(), layout: { 'step:det': { x: 5, y: 6 } } };
    d = renameStep(d, 'det', 'detector');
    assert.equal(d.definition.steps[0].name, 'detector');
    assert.deepEqual(d.definition.steps[1].predictions_batches, [
      '$steps.detector.predictions',
      '$steps.detector.predictions',
    ]);
    assert.equal(d.definition.outputs[0].selector, '$steps.detector.*');
    assert.deepEqual(d.layout, { 'step:detector': { x: 5, y: 6 } });
    d = renameInput(d, 'conf', 'threshold');
    assert.equal(d.definition.steps[0].confidence, '$inputs.threshold');
    assert.deepEqual(d.definition.steps[1].evaluation, { x: '$inputs.threshold', lit: 3 });
    assert.throws(() => renameStep(d, 'cons', 'viz'), /already exists/);
  });
  test('deleting a step drops selectors to it and outputs that used it', () => {
    const d = removeNodes(doc(), ['step:det']);
    assert.deepEqual(
      d.definition.steps.map((s) => s.name),
      ['cons', 'viz'],
    );
    assert.deepEqual(d.definition.steps[0].predictions_batches, []);
    assert.deepEqual(
      d.definition.outputs.map((o) => o.name),
      ['viz'],
    );
  });
});

describe('history and clipboard', () => {
  test('undo/redo walk snapshots; coalesced edits undo together', () => {
    const h = new History<EditorDocument>({ definition: sample(), layout: {} });
    const first = h.present;
    const added = addStep(h.present, 'roboflow_core/bounding_box_visualization@v1', { x: 1, y: 2 });
    h.push(added.doc);
    assert.equal(added.name, 'bounding_box_visualization');
    h.push({ ...h.present, layout: { a: { x: 1, y: 1 } } }, 'drag');
    h.push({ ...h.present, layout: { a: { x: 9, y: 9 } } }, 'drag');
    assert.deepEqual(h.undo().layout, { 'step:bounding_box_visualization': { x: 1, y: 2 } });
    assert.equal(h.undo(), first);
    assert.equal(h.canUndo, false);
    assert.equal(h.redo().definition.steps.length, 4);
    h.push(removeNodes(h.present, ['step:viz']));
    assert.equal(h.canRedo, false);
  });
  test('pasted steps are renamed and wired to each other, external wiring kept', () => {
    const doc: EditorDocument = { definition: sample(), layout: { 'step:cons': { x: 100, y: 100 } } };
    const clip = copySteps(doc, ['cons', 'viz']);
    const { doc: pasted, names } = pasteSteps(doc, clip);
    assert.deepEqual(names, ['cons_2', 'viz_2']);
    const viz2 = pasted.definition.steps.find((s) => s.name === 'viz_2')!;
    assert.equal(viz2.predictions, '$steps.cons_2.predictions');
    assert.equal(viz2.image, '$inputs.image');
    const cons2 = pasted.definition.steps.find((s) => s.name === 'cons_2')!;
    assert.deepEqual(cons2.predictions_batches, ['$steps.det.predictions', '$steps.det.predictions']);
    assert.deepEqual(pasted.layout['step:cons_2'], { x: 140, y: 140 });
    assert.equal(doc.definition.steps.length, 3, 'the original is untouched');
  });
});

describe('validation placement and layout', () => {
  test('blocks_errors land on the named step and field; others go to the bar', () => {
    const def = sample();
    const placed = placeErrors(def, {
      message: 'Invalid step',
      error_type: 'WorkflowSyntaxError',
      blocks_errors: [
        { block_id: 'det', property_name: 'confidence', property_details: 'must be ≤ 1' },
        { block_id: 'ghost' },
      ],
    });
    assert.deepEqual(placed.nodes[nodeId('step', 'det')], [{ property: 'confidence', message: 'must be ≤ 1' }]);
    assert.deepEqual(placed.general, ['WorkflowSyntaxError: Invalid step']);
    const mentioned = placeErrors(def, {
      message: "Workflow references '$steps.viz.nope' which points to a non-existent block property.",
      error_type: 'InvalidReferenceTargetError',
    });
    assert.equal(mentioned.nodes['step:viz']?.length, 1);
  });
  test('auto-layout puts inputs left of steps left of outputs', () => {
    const graph = definitionToGraph(sample(), {}, catalog);
    const pos = autoLayout(graph, () => ({ width: 200, height: 80 }));
    assert.ok(pos['input:image'].x < pos['step:det'].x);
    assert.ok(pos['step:det'].x < pos['step:cons'].x);
    assert.ok(pos['step:viz'].x < pos['output:viz'].x);
  });
});
