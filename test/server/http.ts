// Helpers for the server tests: JSON requests against a running server, shared photos as base64, workflows.
import fs from 'node:fs';
import type { RunningServer } from '../helpers/server.ts';
import { sharedImage } from '../helpers/shared.ts';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function request(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const response = await fetch(server.url + path, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export const post = (server: RunningServer, path: string, body?: unknown, headers?: Record<string, string>) =>
  request(server, 'POST', path, body, headers);
export const get = (server: RunningServer, path: string, headers?: Record<string, string>) =>
  request(server, 'GET', path, undefined, headers);

const base64Cache = new Map<string, string>();
export function imageBase64(name: string): string {
  let value = base64Cache.get(name);
  if (!value) {
    value = fs.readFileSync(sharedImage(name)).toString('base64');
    base64Cache.set(name, value);
  }
  return value;
}
export const imageInput = (name: string) => ({ type: 'base64', value: imageBase64(name) });

export const OD_BLOCK = 'roboflow_core/roboflow_object_detection_model@v2';

export function detectionWorkflow(extraStep: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'model', default_value: 'yolov8n-640' },
    ],
    steps: [{ type: OD_BLOCK, name: 'det', images: '$inputs.image', model_id: '$inputs.model', ...extraStep }],
    outputs: [{ type: 'JsonField', name: 'predictions', selector: '$steps.det.predictions' }],
  };
}

export function classCounts(predictions: Array<{ class: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of predictions) counts[p.class] = (counts[p.class] ?? 0) + 1;
  return counts;
}
