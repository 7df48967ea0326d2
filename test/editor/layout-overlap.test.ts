// Auto-layout of imported workflows: with node sizes estimated from what the canvas will draw, no two node
// boxes overlap for any conformance definition, and control-flow edges (continue_if → next steps) rank their
// target to the right of the flow step, like data edges do.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { overlappingPairs, type Box } from './boxes.ts';
import { BlockRegistry } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import { definitionToGraph, type WorkflowGraph } from '../../editor/model/graph.ts';
import { autoLayout, type NodeSize } from '../../editor/model/layout.ts';
import { estimatedSizes, estimateNodeSize, visiblePorts } from '../../editor/model/node-size.ts';
import type { BlocksDescription, LayoutMap, WorkflowDefinition } from '../../editor/model/types.ts';

const catalog = new BlockCatalog(new BlockRegistry(coreBlocks).describeBlocks() as unknown as BlocksDescription);

function boxes(graph: WorkflowGraph, layout: LayoutMap, sizeOf: (id: string) => NodeSize): Box[] {
  // Ids are unique except in definitions that duplicate a name on purpose (one box each then).
  return [...new Set(graph.nodes.map((n) => n.id))].map((id) => ({ id, ...layout[id], ...sizeOf(id) }));
}

function layOut(definition: WorkflowDefinition) {
  const graph = definitionToGraph(definition, {}, catalog);
  const sizeOf = estimatedSizes(graph, catalog);
  const layout = autoLayout(graph, sizeOf);
  return { graph, sizeOf, layout };
}

const modelAndContinueIf: WorkflowDefinition = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'model',
      images: '$inputs.image',
      model_id: 'yolov8n-640',
    },
    {
      type: 'roboflow_core/continue_if@v1',
      name: 'gate',
      next_steps: ['$steps.crop'],
      condition_statement: { type: 'StatementGroup', statements: [] },
      evaluation_parameters: { p: '$steps.model.predictions' },
    },
    {
      type: 'roboflow_core/dynamic_crop@v1',
      name: 'crop',
      images: '$inputs.image',
      predictions: '$steps.model.predictions',
    },
  ],
  outputs: [{ type: 'JsonField', name: 'crops', selector: '$steps.crop.crops' }],
};

describe('node size estimate', () => {
  test('grows with the ports a step shows and covers its title', () => {
    const graph = definitionToGraph(modelAndContinueIf, {}, catalog);
    const model = graph.nodes.find((n) => n.id === 'step:model')!;
    const size = estimateNodeSize(model, graph, catalog);
    const block = catalog.get('roboflow_core/roboflow_object_detection_model@v2')!;
    const { shown, hidden } = visiblePorts(block, new Set(['images']), new Set(), false);
    assert.ok(hidden > 0, 'settings-only ports are tucked away');
    const rows = shown.length + block.outputs.length;
    assert.ok(size.height >= 60 + rows * 22, `height ${size.height} leaves room for ${rows} port rows`);
    assert.ok(size.height > 150, 'taller than the old fixed 150px guess');
    assert.ok(size.width >= 210 && size.width <= 280);
    const expanded = visiblePorts(block, new Set(['images']), new Set(), true);
    assert.equal(expanded.hidden, 0);
    assert.ok(expanded.shown.length > shown.length);
  });

  test('a continue_if is laid out beside the model, not on it, and ranks its next step after itself', () => {
    const { graph, sizeOf, layout } = layOut(modelAndContinueIf);
    assert.deepEqual(overlappingPairs(boxes(graph, layout, sizeOf)), []);
    assert.ok(graph.edges.some((e) => e.control && e.source === 'step:gate' && e.target === 'step:crop'));
    assert.ok(layout['step:model'].x < layout['step:gate'].x, 'the gate reads the model');
    assert.ok(layout['step:gate'].x < layout['step:crop'].x, 'the control edge ranks crop after the gate');
  });
});

describe('every conformance definition', { skip: needsShared }, () => {
  const dir = path.join(CONFORMANCE_DIR, 'defs');
  const files = needsShared
    ? []
    : fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
  test('lays out without overlapping boxes; control-flow targets sit right of their flow step', () => {
    assert.ok(files.length > 0);
    let controlEdges = 0;
    for (const file of files) {
      const definition = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowDefinition;
      const { graph, sizeOf, layout } = layOut(definition);
      assert.equal(Object.keys(layout).length, new Set(graph.nodes.map((n) => n.id)).size, file);
      assert.deepEqual(overlappingPairs(boxes(graph, layout, sizeOf)), [], file);
      for (const e of graph.edges.filter((x) => x.control && x.source !== x.target)) {
        controlEdges++;
        assert.ok(layout[e.source].x < layout[e.target].x, `${file}: ${e.source} → ${e.target}`);
      }
    }
    assert.ok(controlEdges > 0, 'some definitions have control-flow edges');
  });
});
