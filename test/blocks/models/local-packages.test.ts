// The installed-packages listing behind GET /model/packages: folders with weights.onnx one or two levels
// down, described from the package (task, classes, input size, aliases); other folders and broken
// packages are left out; no filesystem paths in what it returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listInstalledModels } from '../../../blocks/models/local-packages.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { hasShared, needsShared, sharedModel } from '../../helpers/shared.ts';

test('folders without weights and broken packages are not listed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-pkgs-'));
  try {
    fs.mkdirSync(path.join(dir, 'workflow', 'local'), { recursive: true }); // the local-workflows folder
    fs.mkdirSync(path.join(dir, 'broken', '1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'broken', '1', 'weights.onnx'), 'not onnx');
    fs.writeFileSync(path.join(dir, 'broken', '1', 'environment.json'), '{');
    assert.deepEqual(await listInstalledModels(dir), []);
    assert.deepEqual(await listInstalledModels(path.join(dir, 'missing')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an installed YOLO package is described with its aliases', { skip: needsShared }, async () => {
  if (!hasShared) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-pkgs-'));
  try {
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/3', dir);
    const [m, ...rest] = await listInstalledModels(dir);
    assert.equal(rest.length, 0);
    assert.equal(m!.model_id, 'coco/3');
    assert.equal(m!.task_type, 'object-detection');
    assert.equal(m!.classes.length, 80);
    assert.deepEqual([m!.input_width, m!.input_height], [640, 640]);
    assert.ok(m!.aliases.includes('yolov8n-640'));
    assert.ok(!JSON.stringify(m).includes(dir), 'no paths');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
