// ONNX metadata, aliases, model ids, package install / read, and the import CLI, on the real shared models.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { needsShared, sharedModel, REPO_ROOT } from '../../helpers/shared.ts';
import { readOnnxMetadata, parseUltralyticsNames, parseIntList } from '../../../blocks/models/onnx-metadata.ts';
import { resolveModelAlias, resolveModelId, MODEL_ALIASES } from '../../../blocks/models/aliases.ts';
import { installModelPackage, readModelPackage } from '../../../blocks/models/package.ts';
import { InvalidModelIDError, ModelNotFoundError, ModelArtefactError } from '../../../engine/errors.ts';

describe('ONNX metadata', { skip: needsShared }, () => {
  test('reads Ultralytics metadata_props and the input shape of a detection model', () => {
    const meta = readOnnxMetadata(fs.readFileSync(sharedModel('yolov8n_quantized.onnx')));
    assert.equal(meta.metadata.task, 'detect');
    assert.deepEqual(parseIntList(meta.metadata.imgsz), [640, 640]);
    const names = parseUltralyticsNames(meta.metadata.names!);
    assert.equal(names.length, 80);
    assert.equal(names[0], 'person');
    assert.equal(names[79], 'toothbrush');
    assert.deepEqual(meta.inputs, [{ name: 'images', shape: [1, 3, 640, 640] }]);
  });

  test('reads task and kpt_shape of segmentation and pose models; a 320 model reports 320', () => {
    assert.equal(readOnnxMetadata(fs.readFileSync(sharedModel('yolo11n-seg_int8.onnx'))).metadata.task, 'segment');
    const pose = readOnnxMetadata(fs.readFileSync(sharedModel('yolo11n-pose_int8_patched.onnx')));
    assert.equal(pose.metadata.task, 'pose');
    assert.deepEqual(parseIntList(pose.metadata.kpt_shape), [17, 3]);
    assert.deepEqual(parseUltralyticsNames(pose.metadata.names!), ['person']);
    const small = readOnnxMetadata(fs.readFileSync(sharedModel('yolo11n_int8.onnx')));
    assert.deepEqual(small.inputs[0]!.shape, [1, 3, 320, 320]);
  });
});

describe('names parsing', () => {
  test('handles quotes, escapes and gaps', () => {
    assert.deepEqual(parseUltralyticsNames(`{0: 'a', 1: "it's", 3: 'b\\'c'}`), ['a', "it's", '2', "b'c"]);
  });
});

describe('aliases and model ids', () => {
  test('resolves aliases from every family and passes unknown names through', () => {
    assert.equal(resolveModelAlias('yolov8n-640'), 'coco/3');
    assert.equal(resolveModelAlias('yolov8x-1280'), 'coco/13');
    assert.equal(resolveModelAlias('yolov8m-seg-1280'), 'coco-dataset-vdnr1/9');
    assert.equal(resolveModelAlias('yolov8l-pose-640'), 'coco-pose-detection/4');
    assert.equal(resolveModelAlias('yolov10b-640'), 'coco/22');
    assert.equal(resolveModelAlias('yolo11s-640'), 'coco/26');
    assert.equal(resolveModelAlias('yolov11x-1280'), 'coco/34');
    assert.equal(resolveModelAlias('yolov11l-seg-640'), 'coco-dataset-vdnr1/22');
    assert.equal(resolveModelAlias('yolo26l-seg-640'), 'coco-dataset-vdnr1/31');
    assert.equal(resolveModelAlias('yolov26m-pose-640'), 'coco-pose-detection/14');
    assert.equal(resolveModelAlias('yolo26x-depth-768'), 'yolo26-pretrains/yolo26x-depth');
    assert.equal(resolveModelAlias('rfdetr-large'), 'coco/50');
    assert.equal(resolveModelAlias('resnet101'), 'classifiers/4');
    assert.equal(resolveModelAlias('paligemma-3b-ft-ocrvqa-448'), 'paligemma-pretrains/19');
    assert.equal(resolveModelAlias('my-project/7'), 'my-project/7');
    assert.ok(MODEL_ALIASES.size > 100);
  });

  test('rejects ids with more than one slash or path tricks', () => {
    assert.throws(() => resolveModelId('a/b/c'), InvalidModelIDError);
    assert.throws(() => resolveModelId('../x'), InvalidModelIDError);
    assert.throws(() => resolveModelId('x/..'), InvalidModelIDError);
    assert.throws(() => resolveModelId(''), InvalidModelIDError);
    assert.equal(resolveModelId('clip/ViT-B-16'), 'clip/ViT-B-16');
    assert.equal(resolveModelId('yolov8n-640'), 'coco/3');
  });
});

describe('model packages', { skip: needsShared }, () => {
  let cacheDir: string;
  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-pkg-'));
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('install writes Roboflow layout derived from ONNX metadata, and reads back', async () => {
    const dir = await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/3', cacheDir);
    assert.equal(dir, path.join(cacheDir, 'coco', '3'));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['class_names.txt', 'environment.json', 'weights.onnx']);
    const env = JSON.parse(fs.readFileSync(path.join(dir, 'environment.json'), 'utf8'));
    assert.equal(env.PREPROCESSING.resize.format, 'Fit (grey edges) in');
    assert.equal(env.CLASS_MAP['5'], 'bus');
    const pkg = await readModelPackage(cacheDir, 'coco/3');
    assert.equal(pkg.task, 'object-detection');
    assert.equal(pkg.classNames[16], 'dog');
    assert.equal(pkg.inputWidth, 640);
    assert.equal(pkg.weightsBytes, fs.statSync(sharedModel('yolov8n_quantized.onnx')).size);
    assert.equal(fs.readdirSync(cacheDir).filter((f) => f.startsWith('.staging')).length, 0);
  });

  test('a bare weights.onnx (no environment, no class names) is described from ONNX metadata', async () => {
    const dir = path.join(cacheDir, 'bare', '1');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(sharedModel('yolo11n-pose_int8_patched.onnx'), path.join(dir, 'weights.onnx'));
    const pkg = await readModelPackage(cacheDir, 'bare/1');
    assert.equal(pkg.task, 'keypoint-detection');
    assert.deepEqual(pkg.classNames, ['person']);
    assert.equal(pkg.keypointNames?.length, 17);
    assert.equal(pkg.keypointNames?.[0], 'nose');
    assert.equal((pkg.environment.PREPROCESSING as any).resize.format, 'Fit (grey edges) in');
  });

  test('PREPROCESSING given as a JSON string is parsed; a missing one gets Roboflow defaults; bad JSON is a ModelArtefactError', async () => {
    const dir = path.join(cacheDir, 'strenv', '1');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(sharedModel('yolov8n_quantized.onnx'), path.join(dir, 'weights.onnx'));
    fs.writeFileSync(
      path.join(dir, 'environment.json'),
      JSON.stringify({
        PREPROCESSING: JSON.stringify({ resize: { enabled: true, width: 320, height: 320, format: 'Stretch to' } }),
        CLASS_MAP: { '0': 'a', '1': 'b' },
      }),
    );
    const pkg = await readModelPackage(cacheDir, 'strenv/1');
    assert.equal(pkg.inputWidth, 320);
    assert.deepEqual(pkg.classNames, ['a', 'b']);
    fs.writeFileSync(path.join(dir, 'environment.json'), JSON.stringify({ CLASS_MAP: { '0': 'a' } }));
    const filled = await readModelPackage(cacheDir, 'strenv/1');
    assert.deepEqual((filled.environment.PREPROCESSING as any).resize, {
      enabled: true,
      width: 640,
      height: 640,
      format: 'Stretch to',
    });
    fs.writeFileSync(path.join(dir, 'environment.json'), JSON.stringify({ PREPROCESSING: '{"resize": {' }));
    await assert.rejects(readModelPackage(cacheDir, 'strenv/1'), ModelArtefactError);
  });

  test('a missing model is ModelNotFoundError naming the id and the directory', async () => {
    await assert.rejects(readModelPackage(cacheDir, 'nothing/4'), (error: Error) => {
      assert.ok(error instanceof ModelNotFoundError);
      assert.match(error.message, /nothing\/4/);
      assert.ok(error.message.includes(path.join(cacheDir, 'nothing', '4')));
      return true;
    });
  });

  test('reinstalling replaces the package; explicit class names win', async () => {
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'custom/2', cacheDir);
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'custom/2', cacheDir, { classNames: ['x', 'y'] });
    const pkg = await readModelPackage(cacheDir, 'custom/2');
    assert.deepEqual(pkg.classNames, ['x', 'y']);
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((f) => f.startsWith('.staging')),
      [],
    );
  });

  test('the import CLI installs a model', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'server/models-import-cli.ts'),
        sharedModel('yolo11n-seg_int8.onnx'),
        'seg-cli/1',
        '--cache-dir',
        cacheDir,
        '--class-names',
        'a,b',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    assert.match(out, /installed seg-cli\/1/);
    assert.equal(fs.readFileSync(path.join(cacheDir, 'seg-cli', '1', 'class_names.txt'), 'utf8'), 'a\nb\n');
  });
});
