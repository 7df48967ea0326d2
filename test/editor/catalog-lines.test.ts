// The palette's one-line-per-block grouping (versions newest first, search over every version) and the
// dict-property entry edits, on plain data.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BlockCatalog, lineKey } from '../../editor/model/catalog.ts';
import { addEntry, parseLoose, removeEntry, renameEntry, looseText } from '../../editor/model/entries.ts';
import type { BlockDescription } from '../../editor/model/types.ts';

function block(type: string, name: string, extra: Record<string, unknown> = {}): BlockDescription {
  return {
    manifest_type_identifier: type,
    human_friendly_block_name: name,
    outputs_manifest: [],
    block_schema: {
      block_type: 'model',
      short_description: `${name} block`,
      properties: { type: { const: type } },
      ...extra,
    },
  };
}

const catalog = new BlockCatalog({
  blocks: [
    block('acme/detector@v1', 'Detector', { search_keywords: ['legacy-yolo'] }),
    block('acme/detector@v10', 'Detector'),
    block('acme/detector@v2', 'Detector'),
    block('acme/old_thing@v1', 'Old Thing', { deprecated: true }),
    block('acme/blur@v1', 'Blur', { block_type: 'visualization' }),
    block('acme/cropper@v2', 'Cropper', { deprecated: true }),
    block('acme/cropper@v1', 'Cropper'),
  ],
});

describe('palette lines', () => {
  test('one line per block, versions newest first (numeric), latest = newest not deprecated', () => {
    const lines = catalog.blockLines();
    assert.deepEqual(
      lines.map((l) => l.key),
      ['acme/blur', 'acme/cropper', 'acme/detector', 'acme/old_thing'],
    );
    const detector = lines.find((l) => l.key === 'acme/detector')!;
    assert.deepEqual(
      detector.versions.map((v) => v.version),
      ['v10', 'v2', 'v1'],
    );
    assert.equal(detector.latest.type, 'acme/detector@v10');
    const cropper = lines.find((l) => l.key === 'acme/cropper')!;
    assert.equal(cropper.latest.type, 'acme/cropper@v1', 'a deprecated newer version is not the default');
    assert.equal(lines.at(-1)!.deprecated, true, 'fully deprecated blocks sort last');
  });

  test('search keeps a line when any of its versions matches, grouped by family', () => {
    const groups = catalog.searchLines('legacy-yolo');
    assert.deepEqual(
      groups.map((g) => g.family),
      ['model'],
    );
    assert.deepEqual(
      groups[0].lines.map((l) => l.key),
      ['acme/detector'],
    );
    assert.equal(groups[0].lines[0].versions.length, 3, 'the line still offers every version');
    assert.deepEqual(
      catalog.searchLines('blur').map((g) => g.label),
      ['Visualizations'],
    );
    assert.deepEqual(catalog.searchLines('no such words'), []);
    assert.equal(lineKey('roboflow_core/dynamic_crop@v1'), 'roboflow_core/dynamic_crop');
  });
});

describe('dict entries', () => {
  test('rename keeps order and refuses empty or taken names', () => {
    const dict = { a: 1, b: '$inputs.x', c: true };
    assert.deepEqual(Object.keys(renameEntry(dict, 'b', 'bee')), ['a', 'bee', 'c']);
    assert.equal(renameEntry(dict, 'b', 'a'), dict);
    assert.equal(renameEntry(dict, 'b', ''), dict);
    assert.deepEqual(removeEntry(dict, 'a'), { b: '$inputs.x', c: true });
    const added = addEntry({ param: 1 }, 'param', '');
    assert.deepEqual(added, { dict: { param: 1, param_2: '' }, key: 'param_2' });
  });

  test('typed values: JSON-looking text parses, other text stays text', () => {
    assert.equal(parseLoose('3'), 3);
    assert.equal(parseLoose('-0.5'), -0.5);
    assert.equal(parseLoose('true'), true);
    assert.deepEqual(parseLoose('["a", 1]'), ['a', 1]);
    assert.equal(parseLoose('person'), 'person');
    assert.equal(parseLoose('3 cars'), '3 cars');
    assert.equal(parseLoose('{broken'), '{broken');
    assert.equal(looseText('person'), 'person');
    assert.equal(looseText(3), '3');
    assert.equal(looseText(['a']), '["a"]');
  });
});
