// roboflow_core/webhook_sink@v1: sends workflow data to an HTTP endpoint (JSON body, query parameters, headers),
// at most once per cooldown_seconds per step; in fire-and-forget mode the step does not wait for the answer.
import {
  AddressNotAllowedError,
  defineBlock,
  literal,
  literalOrSelector,
  pinnedRequest,
  selectorDict,
  serializeValue,
  type NetworkPolicy,
} from '../../engine/index.ts';
import { blockSettings } from '../common/settings.ts';

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

/**
 * Sends one request to an address the sink policy allows (checked at connect time, see pinnedRequest). Failures
 * say only "could not deliver": details (refused vs closed port, timeouts) would map the server's network.
 */
async function send(
  p: Params,
  policy: NetworkPolicy,
  signal: AbortSignal | undefined,
): Promise<{ error_status: boolean; message: string }> {
  const failed = { error_status: true, message: 'Failed to send notification: could not deliver' };
  let url: URL;
  try {
    url = new URL(String(p.url));
  } catch {
    return { error_status: true, message: 'Failed to send notification: the URL is not valid' };
  }
  for (const [key, value] of Object.entries(await serializeDict(p.query_parameters))) {
    for (const v of Array.isArray(value) ? value : [value])
      url.searchParams.append(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(p.headers ?? {})) headers[key] = String(value);
  const method = p.method ?? 'POST';
  let body: string | undefined;
  if (method !== 'GET') {
    const form = await serializeDict(p.form_data);
    if (Object.keys(form).length) {
      body = new URLSearchParams(
        Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else {
      body = JSON.stringify(await serializeDict(p.json_payload));
      headers['content-type'] ??= 'application/json';
    }
  }
  try {
    const response = await pinnedRequest(url, {
      method,
      headers,
      body,
      policy,
      signal,
      timeoutMs: Number(p.request_timeout ?? 2) * 1000,
      maxBytes: 1024 * 1024,
    });
    if (response.status < 200 || response.status >= 300) return failed;
    return { error_status: false, message: 'Notification sent successfully' };
  } catch (error) {
    if (error instanceof AddressNotAllowedError)
      return {
        error_status: true,
        message: 'Failed to send notification: could not deliver (destination not allowed by the sink policy)',
      };
    return failed;
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
    const policy = blockSettings(context).sinkNetwork;
    if (p.fire_and_forget ?? true) {
      // Not tied to the request's signal: the request is answered before this finishes.
      void send(p, policy, undefined);
      return { error_status: false, throttling_status: false, message: 'Notification sent in the background task' };
    }
    return { ...(await send(p, policy, context.signal)), throttling_status: false };
  },
});
