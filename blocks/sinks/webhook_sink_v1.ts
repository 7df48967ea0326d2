// roboflow_core/webhook_sink@v1: sends workflow data to an HTTP endpoint, at most once per cooldown_seconds per
// step; in fire-and-forget mode the step does not wait for the answer. Body as Python `requests` builds it:
// multipart files (after form fields) win over form data, which wins over the JSON payload (`{}` when empty).
// `*_operations` (UQL) transform the values of the keys they name before sending.
import { randomUUID } from 'node:crypto';
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
import { executeOperations, type OperationDefinition } from '../common/uql/index.ts';

interface Params {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  query_parameters: Record<string, unknown>;
  headers: Record<string, unknown>;
  json_payload: Record<string, unknown>;
  json_payload_operations?: Record<string, OperationDefinition[]>;
  multi_part_encoded_files?: Record<string, unknown>;
  multi_part_encoded_files_operations?: Record<string, OperationDefinition[]>;
  form_data: Record<string, unknown>;
  form_data_operations?: Record<string, OperationDefinition[]>;
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

/** A form value as requests writes it: str() of scalars (Python spellings), JSON of structures. */
function formValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** multipart/form-data: one part per form field (list values: one per element), then one per file. */
function multipartBody(form: Record<string, unknown>, files: Record<string, unknown>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  const part = (disposition: string, content: Buffer | string) => {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(content) ? content : Buffer.from(content));
    chunks.push(Buffer.from('\r\n'));
  };
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      part(`name="${key}"`, v instanceof Uint8Array ? Buffer.from(v) : formValue(v));
    }
  }
  for (const [key, value] of Object.entries(files)) {
    // Files must be bytes or text (an image needs an operation such as ConvertImageToJPEG first).
    if (!(value instanceof Uint8Array) && typeof value !== 'string') {
      throw new Error(`multipart file ${key} is neither bytes nor text`);
    }
    part(`name="${key}"; filename="${key}"`, typeof value === 'string' ? value : Buffer.from(value));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Applies each non-empty operation chain to the value of the key it names; other keys are left alone. */
async function applyOperations(
  values: Record<string, unknown> | undefined,
  operations: Record<string, OperationDefinition[]> | undefined,
  step: string,
  field: string,
): Promise<Record<string, unknown>> {
  const out = { ...(values ?? {}) };
  for (const [key, chain] of Object.entries(operations ?? {})) {
    if (!chain?.length || !Object.hasOwn(out, key)) continue;
    out[key] = await executeOperations(out[key], chain, {
      parameters: {},
      executionContext: `step: ${step} | ${field}.${key}`,
    });
  }
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
  let body: string | Buffer;
  try {
    if (Object.keys(p.multi_part_encoded_files ?? {}).length > 0) {
      const boundary = `----sightline${randomUUID().replace(/-/g, '')}`;
      body = multipartBody(p.form_data ?? {}, p.multi_part_encoded_files ?? {}, boundary);
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    } else if (Object.keys(p.form_data ?? {}).length > 0) {
      const pairs: string[][] = [];
      for (const [key, value] of Object.entries(await serializeDict(p.form_data))) {
        for (const v of Array.isArray(value) ? value : [value]) pairs.push([key, formValue(v)]);
      }
      body = new URLSearchParams(pairs).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else {
      // requests sends `json={}` too, whatever the method.
      body = JSON.stringify(await serializeDict(p.json_payload), (_, v) => {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('NaN/Infinity are not JSON');
        return v;
      });
      headers['content-type'] ??= 'application/json';
    }
  } catch {
    return { error_status: true, message: 'Failed to send notification: the payload cannot be encoded' };
  }
  // Explicit length: Node frames GET bodies only when told their size.
  headers['content-length'] = String(Buffer.byteLength(body));
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

function operationsProperty(title: string, target: string) {
  return literal(
    { type: 'object', additionalProperties: { type: 'array' } },
    { title, description: `UQL operations applied to the values of \`${target}\` they name.`, default: {} },
  );
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
    ui: { section: 'notifications', icon: 'far fa-webhook' },
    properties: {
      url: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'URL',
        description: 'Endpoint the request goes to.',
        examples: ['https://example.com/hook', '$inputs.url'],
      }),
      method: literal(
        { type: 'string', enum: ['GET', 'POST', 'PUT'] },
        { title: 'Method', description: 'HTTP method (required, as in Roboflow).' },
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
      json_payload_operations: operationsProperty('JSON Payload Operations', 'json_payload'),
      multi_part_encoded_files: selectorDict(['*'], {
        title: 'Multi-Part Encoded Files',
        description: 'Files sent as multipart/form-data parts (bytes or text; encode images with an operation).',
        default: {},
      }),
      multi_part_encoded_files_operations: operationsProperty(
        'Multi-Part Encoded Files Operations',
        'multi_part_encoded_files',
      ),
      form_data: selectorDict(['*'], {
        title: 'Form Data',
        description: 'URL-encoded form fields (sent instead of the JSON body).',
        default: {},
      }),
      form_data_operations: operationsProperty('Form Data Operations', 'form_data'),
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
    required: ['url', 'method'],
    outputs: [
      { name: 'error_status', kind: ['boolean'] },
      { name: 'throttling_status', kind: ['boolean'] },
      { name: 'message', kind: ['string'] },
    ],
  },
  async run(p, context) {
    if (p.disable_sink || context.request.disableSinks)
      return {
        error_status: false,
        throttling_status: false,
        message: context.request.disableSinks
          ? 'Sink was disabled by workflow execution policy'
          : 'Sink was disabled by parameter `disable_sink`',
      };
    const key = `${context.stepName}:webhook-last`;
    const now = Date.now() / 1000;
    const last = context.state.get(key) as number | undefined;
    if (last !== undefined && now - last < Number(p.cooldown_seconds ?? 5))
      return { error_status: false, throttling_status: true, message: 'Sink cooldown applies' };
    const step = context.stepName;
    p = {
      ...p,
      json_payload: await applyOperations(p.json_payload, p.json_payload_operations, step, 'json_payload'),
      multi_part_encoded_files: await applyOperations(
        p.multi_part_encoded_files,
        p.multi_part_encoded_files_operations,
        step,
        'multi_part_encoded_files',
      ),
      form_data: await applyOperations(p.form_data, p.form_data_operations, step, 'form_data'),
    };
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
