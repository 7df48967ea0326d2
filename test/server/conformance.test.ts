// Roboflow's conformance workflow definitions over HTTP. Error cases go to /workflows/validate (or
// describe_interface) and must answer 400 with the expected error class; runnable cases go to /workflows/run
// with yolov8n-640 (alias of the installed coco/3) and shared photos standing in for Roboflow's fixtures, and
// must answer 200 with the expected output keys. Roboflow's private models are replaced by local stand-ins under
// their ids (yolov8n for detectors, PaddleOCR's direction classifier for classifiers), so only shapes and keys
// are asserted, never values that depend on the real model. Batch inputs of predictions are produced by running
// the stand-ins. Entries whose inputs are built in Python or keyed to a photo we lack run as scenarios
// (conformance-scenarios.ts). Entries needing unregistered blocks or other models skip with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { CONFORMANCE_DIR, hasShared, needsShared, sharedModel } from '../helpers/shared.ts';
import { imageInput, post } from './http.ts';
import { installModelPackage } from '../../blocks/models/package.ts';
import { ocrAssetPath } from '../../blocks/models/ocr/ocr-engine.ts';
import { CONFORMANCE_SCENARIOS, blackImage } from './conformance-scenarios.ts';

interface ConformanceEntry {
  id: string;
  file: string;
  expects_error: boolean;
  error_classes: string[];
  block_types: string[];
  model_ids: string[];
  runtime_inputs_in_test: string;
  expected_outputs_summary: string;
}

const entries: ConformanceEntry[] = hasShared
  ? (JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'index.json'), 'utf8')) as ConformanceEntry[])
  : [];
/** Private detection models of the definitions, stood in for by yolov8n (COCO classes). */
const DETECTION_STAND_INS = ['vehicle-registration-plates-trudk/2', 'ocr-oy9a7/1', 'people-detection-o4rdr/7'];
/** Private classifiers, stood in for by PaddleOCR's text direction classifier (classes "0" / "180"). */
const CLASSIFIER_STAND_INS: Array<{ id: string; multiLabel: boolean }> = [
  { id: 'dog-breed-xpaq6/1', multiLabel: false },
  { id: 'animal-classification-9lufm/1', multiLabel: false },
  { id: 'animals-2kk5l/1', multiLabel: true },
];
const AVAILABLE_MODELS = new Set(['yolov8n-640', ...DETECTION_STAND_INS, ...CLASSIFIER_STAND_INS.map((c) => c.id)]);

let server: RunningServer;
before(async () => {
  server = await startTestServer();
  if (!hasShared) return;
  const cacheDir = server.config.modelCacheDir;
  for (const id of DETECTION_STAND_INS) await installModelPackage(sharedModel('yolov8n_quantized.onnx'), id, cacheDir);
  for (const { id, multiLabel } of CLASSIFIER_STAND_INS) {
    await installModelPackage(ocrAssetPath('direction'), id, cacheDir, {
      classNames: ['0', '180'],
      environment: {
        PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
        CLASS_MAP: { '0': '0', '1': '180' },
        ...(multiLabel ? { MULTICLASS: true } : {}),
      },
    });
  }
});
after(async () => {
  await server?.close();
});

/** Split a Python literal's top level on commas (ignores commas inside brackets and quotes). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if ('[{('.includes(c)) depth++;
    else if (']})'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.slice(start).trim()) parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** The test's `runtime_parameters={...}` as raw Python source per key. */
function runtimeParameters(summary: string): Record<string, string> {
  const at = summary.indexOf('runtime_parameters={');
  if (at < 0) return {};
  let depth = 0;
  const start = at + 'runtime_parameters='.length;
  let end = start;
  for (; end < summary.length; end++) {
    if (summary[end] === '{') depth++;
    if (summary[end] === '}' && --depth === 0) break;
  }
  const out: Record<string, string> = {};
  for (const part of splitTopLevel(summary.slice(start + 1, end))) {
    const m = /^'([^']+)'\s*:\s*([\s\S]+)$/.exec(part);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function pythonLiteral(source: string): { ok: true; value: unknown } | { ok: false } {
  let json = source
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false')
    .replace(/\bNone\b/g, 'null');
  if (/^\{\s*"[^"]*"(\s*,\s*"[^"]*")*\s*\}$/.test(json)) json = `[${json.slice(1, -1)}]`; // Python set → list
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false };
  }
}

function photoFor(fixture: string): string {
  if (/dog/.test(fixture)) return 'dog.jpg';
  if (/crowd|people/.test(fixture)) return 'street.jpg';
  return 'bus.jpg';
}

type Input = { type: string; name: string; default_value?: unknown; kind?: string[]; dimensionality?: number };

/** A black image like the tests' `np.zeros((h, w, 3), dtype=np.uint8)`, or null when `source` is something else. */
async function zerosImage(source: string): Promise<Record<string, string> | null> {
  const m = /^np\.zeros\(\((\d+),\s*(\d+),\s*3\)/.exec(source.trim());
  return m ? blackImage(Number(m[2]), Number(m[1])) : null;
}

async function standInOutput(route: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await post(server, route, body);
  assert.equal(res.status, 200, `${route}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
}

/** A batch input of predictions produced by the stand-in models on the image the test uses, or null if unknown. */
async function predictionsBatch(input: Input, photo: string): Promise<unknown[] | null> {
  const kinds = input.kind ?? [];
  if (kinds.includes('object_detection_prediction')) {
    const { image, predictions } = await standInOutput('/infer/object_detection', {
      model_id: 'yolov8n-640',
      image: imageInput(photo),
    });
    return [
      {
        image,
        predictions: (predictions as Array<Record<string, unknown>>).map((p) => ({ ...p, parent_id: 'image' })),
      },
    ];
  }
  if (kinds.includes('classification_prediction')) {
    const body = await standInOutput('/infer/classification', {
      model_id: 'dog-breed-xpaq6/1',
      image: imageInput(photo),
    });
    return [{ ...body, parent_id: 'image', prediction_type: 'classification' }];
  }
  return null;
}

/** Runtime inputs for a definition, or the reason they cannot be built. */
async function buildInputs(
  definition: { inputs?: Input[] },
  entry: ConformanceEntry,
): Promise<Record<string, unknown> | string> {
  const given = runtimeParameters(entry.runtime_inputs_in_test);
  const inputs: Record<string, unknown> = {};
  for (const input of definition.inputs ?? []) {
    const source = given[input.name];
    if (input.type === 'WorkflowImage' || input.type === 'InferenceImage') {
      if (source && source.startsWith('[')) {
        const items = splitTopLevel(source.slice(1, -1));
        const images = [];
        for (const item of items) {
          const image = item.includes('(') ? await zerosImage(item) : imageInput(photoFor(item));
          if (!image) return `image ${input.name} is built in Python (${source})`;
          images.push(image);
        }
        inputs[input.name] = images;
      } else {
        inputs[input.name] = imageInput(photoFor(source ?? input.name));
      }
      continue;
    }
    if (input.type === 'WorkflowBatchInput') {
      const batch = await predictionsBatch(input, photoFor(given.image ?? ''));
      if (!batch) return `batch input ${input.name} of kinds [${(input.kind ?? []).join(', ')}]`;
      inputs[input.name] = batch;
      continue;
    }
    if (input.type === 'WorkflowVideoMetadata') return `input type ${input.type}`;
    const standInDefault = typeof input.default_value === 'string' && AVAILABLE_MODELS.has(input.default_value);
    if (/model/.test(input.name) && !standInDefault && (source === undefined || /yolov8n/.test(source))) {
      inputs[input.name] = 'yolov8n-640';
      continue;
    }
    if (source !== undefined) {
      const literal = pythonLiteral(source);
      if (!literal.ok) return `parameter ${input.name} is a Python fixture (${source})`;
      inputs[input.name] = literal.value;
    } else if (!('default_value' in input)) {
      return `no value known for parameter ${input.name}`;
    }
  }
  return inputs;
}

/** Step names referenced with `$steps.<name>` that the definition does not define. */
function referencedMissingSteps(definition: { steps?: Array<{ name: string }> }): string[] {
  const defined = new Set((definition.steps ?? []).map((step) => step.name));
  const referenced = new Set(
    [...JSON.stringify(definition.steps ?? []).matchAll(/\$steps\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]!),
  );
  return [...referenced].filter((name) => !defined.has(name));
}

function expectedKeys(entry: ConformanceEntry, definition: { outputs?: Array<{ name: string }> }): string[] {
  const m = /set\(result\[0\]\.keys\(\)\) == \{([^}]*)\}/.exec(entry.expected_outputs_summary);
  if (m)
    return m[1]!
      .split(',')
      .map((s) => s.trim().replace(/^['"]|['"]$/g, ''))
      .filter(Boolean)
      .sort();
  return (definition.outputs ?? []).map((o) => o.name).sort();
}

for (const entry of entries) {
  test(`conformance ${entry.id}`, { skip: needsShared }, async (t) => {
    const definition = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, entry.file), 'utf8'));
    const missing = entry.block_types.filter((type) => !server.engine.registry.get(type));
    if (entry.expects_error) {
      const viaInterface = /describe_workflow_interface|discovering_interface/.test(entry.id);
      const res = viaInterface
        ? await post(server, '/workflows/describe_interface', { specification: definition })
        : await post(server, '/workflows/validate', definition);
      if (res.status !== 400 && missing.length > 0) {
        t.skip(`blocks not registered yet: ${missing.join(', ')} (got ${res.status})`);
        return;
      }
      assert.equal(res.status, 400, JSON.stringify(res.body));
      const named = entry.error_classes.filter((c) => !c.startsWith('HTTP'));
      if (named.length > 0)
        assert.ok(named.includes(res.body.error_type), `${res.body.error_type} not in ${named.join(', ')}`);
      return;
    }
    if (missing.length > 0) {
      t.skip(`blocks not registered yet: ${missing.join(', ')}`);
      return;
    }
    const otherModels = entry.model_ids.filter((id) => !AVAILABLE_MODELS.has(id));
    if (otherModels.length > 0) {
      t.skip(`needs models not available locally: ${otherModels.join(', ')}`);
      return;
    }
    const parentSteps = referencedMissingSteps(definition);
    if (parentSteps.length > 0) {
      // An inner-workflow child pointing at its parent's steps: valid only once inlined; alone it must be refused.
      const res = await post(server, '/workflows/validate', definition);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error_type, 'InvalidReferenceTargetError');
      assert.match(res.body.message, new RegExp(`\\$steps\\.${parentSteps[0]}`));
      t.skip(
        `inner-workflow child referencing parent steps ${parentSteps.join(', ')}: refused alone as expected; its parent is not in the fixtures`,
      );
      return;
    }
    const scenario = CONFORMANCE_SCENARIOS[entry.id];
    if (scenario) {
      await scenario(server, definition);
      return;
    }
    const inputs = await buildInputs(definition, entry);
    if (typeof inputs === 'string') {
      t.skip(`cannot reproduce the test's inputs: ${inputs}`);
      return;
    }
    const res = await post(server, '/workflows/run', { specification: definition, inputs });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 2000));
    assert.ok(res.body.outputs.length >= 1);
    assert.deepEqual(Object.keys(res.body.outputs[0]).sort(), expectedKeys(entry, definition));
  });
}

if (!hasShared) test('conformance definitions', { skip: needsShared }, () => {});
