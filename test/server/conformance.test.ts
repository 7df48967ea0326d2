// Roboflow's conformance workflow definitions over HTTP. Error cases go to /workflows/validate (or
// describe_interface) and must answer 400 with the expected error class; runnable cases go to /workflows/run
// with yolov8n-640 (alias of the installed coco/3) and shared photos standing in for Roboflow's fixtures, and
// must answer 200 with the expected output keys. Entries needing unregistered blocks or other models skip with
// the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { CONFORMANCE_DIR, hasShared, needsShared } from '../helpers/shared.ts';
import { imageInput, post } from './http.ts';

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
const AVAILABLE_MODELS = new Set(['yolov8n-640']);

let server: RunningServer;
before(async () => {
  server = await startTestServer();
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
  let json = source.replace(/'/g, '"').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
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

type Input = { type: string; name: string; default_value?: unknown };

/** Runtime inputs for a definition, or the reason they cannot be built. */
function buildInputs(definition: { inputs?: Input[] }, entry: ConformanceEntry): Record<string, unknown> | string {
  const given = runtimeParameters(entry.runtime_inputs_in_test);
  const inputs: Record<string, unknown> = {};
  for (const input of definition.inputs ?? []) {
    const source = given[input.name];
    if (input.type === 'WorkflowImage' || input.type === 'InferenceImage') {
      // Workflows keyed to what is in the photo (a strict fruit class map) have no stand-in among ours.
      if (source && /fruit/.test(source)) return `fixture ${source} (fruit photo) has no stand-in`;
      if (source && source.startsWith('[')) {
        const items = splitTopLevel(source.slice(1, -1));
        if (items.some((i) => i.includes('('))) return `image ${input.name} is built in Python (${source})`;
        inputs[input.name] = items.map((i) => imageInput(photoFor(i)));
      } else {
        inputs[input.name] = imageInput(photoFor(source ?? input.name));
      }
      continue;
    }
    if (input.type === 'WorkflowVideoMetadata' || input.type === 'WorkflowBatchInput') return `input type ${input.type}`;
    if (/model/.test(input.name) && (source === undefined || /yolov8n/.test(source))) {
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

function expectedKeys(entry: ConformanceEntry, definition: { outputs?: Array<{ name: string }> }): string[] {
  const m = /set\(result\[0\]\.keys\(\)\) == \{([^}]*)\}/.exec(entry.expected_outputs_summary);
  if (m) return m[1]!.split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean).sort();
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
      if (named.length > 0) assert.ok(named.includes(res.body.error_type), `${res.body.error_type} not in ${named.join(', ')}`);
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
    const inputs = buildInputs(definition, entry);
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
