// roboflow_core/webhook_sink@v1: sends workflow data to an HTTP endpoint (JSON body, query parameters, headers),
// at most once per cooldown_seconds per step; in fire-and-forget mode the step does not wait for the answer.
import { defineBlock, literal, literalOrSelector, selectorDict, serializeValue } from '../../engine/index.ts';

interface Params {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  query_parameters: Record<string, unknown>;
  headers: Record<string, unknown>;
  json_payload: Record<string, unknown>;
  form_data: Record<string, unknown>;
  request_timeout: number;
  fire_and_forget: boolean;
  disable_sink: boolean;
  cooldown_seconds: number;
}

async function serializeDict(dict: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dict ?? {})) out[key] = await serializeValue(value, ['*']);
  return out;
}

async function send(p: Params): Promise<{ error_status: boolean; message: string }> {
  const url = new URL(String(p.url));
  for (const [key, value] of Object.entries(await serializeDict(p.query_parameters))) {
    for (const v of Array.isArray(value) ? value : [value])
      url.searchParams.append(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(p.headers ?? {})) headers[key] = String(value);
  const method = p.method ?? 'POST';
  let body: string | URLSearchParams | undefined;
  if (method !== 'GET') {
    const form = await serializeDict(p.form_data);
    if (Object.keys(form).length) {
      body = new URLSearchParams(
        Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
    } else {
      body = JSON.stringify(await serializeDict(p.json_payload));
      headers['content-type'] ??= 'application/json';
    }
  }
  try {
    const response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(Number(p.request_timeout ?? 2) * 1000),
    });
    await response.arrayBuffer();
    if (!response.ok)
      return {
        error_status: true,
        message: `Failed to send notification. Internal error details: HTTP ${response.status}`,
      };
    return { error_status: false, message: 'Notification sent successfully' };
  } catch (error) {
    return {
      error_status: true,
      message: `Failed to send notification. Internal error details: ${(error as Error).message}`,
    };
  }
}

const VALUE_KINDS = [
  'boolean',
  'float',
  'float_zero_to_one',
  'integer',
  'list_of_values',
  'roboflow_api_key',
  'roboflow_model_id',
  'roboflow_project',
  'string',
  'top_class',
];

export const webhookSinkV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/webhook_sink@v1',
    humanName: 'Webhook Sink',
    version: 'v1',
    blockType: 'sink',
    cacheable: false, // side effects (step output cache must not reuse it)
    shortDescription: 'Send a request to a remote API with Workflow results.',
    license: 'Apache-2.0',
    ui: { section: 'notifications', icon: 'far fa-webhook' },
    properties: {
      url: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'URL',
        description: 'Endpoint the request goes to.',
        examples: ['https://example.com/hook', '$inputs.url'],
      }),
      method: literal(
        { type: 'string', enum: ['GET', 'POST', 'PUT'] },
        { title: 'Method', description: 'HTTP method.', default: 'POST' },
      ),
      query_parameters: selectorDict(VALUE_KINDS, {
        title: 'Query Parameters',
        description: 'Query string parameters.',
        default: {},
      }),
      headers: selectorDict(VALUE_KINDS, { title: 'Headers', description: 'Request headers.', default: {} }),
      json_payload: selectorDict(['*'], {
        title: 'JSON Payload',
        description: 'Fields of the JSON body.',
        default: {},
      }),
      form_data: selectorDict(['*'], {
        title: 'Form Data',
        description: 'URL-encoded form fields (sent instead of the JSON body).',
        default: {},
      }),
      request_timeout: literalOrSelector({ type: 'integer' }, ['integer'], {
        title: 'Request Timeout',
        description: 'Seconds to wait for the endpoint.',
        default: 2,
      }),
      fire_and_forget: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Fire And Forget',
        description: 'Do not wait for the request to finish.',
        default: true,
      }),
      disable_sink: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Disable Sink',
        description: 'Skip sending.',
        default: false,
      }),
      cooldown_seconds: literalOrSelector({ type: 'integer', minimum: 0 }, ['integer'], {
        title: 'Cooldown Seconds',
        description: 'Minimum seconds between two requests of this step.',
        default: 5,
      }),
    },
    required: ['url'],
    outputs: [
      { name: 'error_status', kind: ['boolean'] },
      { name: 'throttling_status', kind: ['boolean'] },
      { name: 'message', kind: ['string'] },
    ],
    executionEngineCompatibility: '>=1.3.0,<2.0.0',
  },
  async run(p, context) {
    if (p.disable_sink || context.request.disableSinks)
      return {
        error_status: false,
        throttling_status: false,
        message: 'Sink was disabled by parameter `disable_sink`',
      };
    const key = `${context.stepName}:webhook-last`;
    const now = Date.now() / 1000;
    const last = context.state.get(key) as number | undefined;
    if (last !== undefined && now - last < Number(p.cooldown_seconds ?? 5))
      return { error_status: false, throttling_status: true, message: 'Sink cooldown applies' };
    context.state.set(key, now);
    if (p.fire_and_forget ?? true) {
      void send(p);
      return { error_status: false, throttling_status: false, message: 'Notification sent in the background task' };
    }
    return { ...(await send(p)), throttling_status: false };
  },
});
