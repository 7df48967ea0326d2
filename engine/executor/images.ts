// Image inputs (docs/roboflow-compatibility.md#runtime-inputs): {type, value} dicts (type not consulted), bare base64 / data-URI strings, URLs.
import { InputImageLoadError, RuntimeInputError } from '../errors.ts';
import { WorkflowImage, isWorkflowImage, type ImageOrigin, type VideoMetadata } from '../image.ts';
import type { ImageInputOptions } from '../api-types.ts';
import { fetchUrlBytes } from '../url-fetch.ts';

function originOf(value: unknown): ImageOrigin | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if ([o.offset_x, o.offset_y, o.width, o.height].every((v) => typeof v === 'number'))
    return o as unknown as ImageOrigin;
  return undefined;
}

export async function loadImage(
  raw: unknown,
  parentId: string,
  inputName: string,
  options: ImageInputOptions,
): Promise<WorkflowImage> {
  if (isWorkflowImage(raw)) return raw;
  let value: unknown = raw;
  let extras: Record<string, unknown> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    extras = raw as Record<string, unknown>;
    value = extras.value;
    const type = String(extras.type ?? '');
    if (type === 'numpy' || type === 'numpy_object' || type === 'pil') {
      throw new InputImageLoadError(`Input '${inputName}': ${type} input is not supported, send base64 or url`);
    }
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new RuntimeInputError(
      `Input '${inputName}' expects an image: {"type": "base64"|"url", "value": ...} or a base64 string`,
      { context: 'workflow_execution | runtime_input_assembly' },
    );
  }
  let bytes: Uint8Array;
  let keepBase64: string | undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https')
    throw new InputImageLoadError(
      `Input '${inputName}': URL scheme '${scheme}:' is not supported; send http(s) URLs or the file's bytes as base64`,
    );
  if (scheme) {
    if (options.allowUrlInput === false)
      throw new InputImageLoadError(`Input '${inputName}': loading images from URLs is disabled on this server`);
    bytes = await fetchUrlBytes(value, options);
  } else {
    const base64 = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
    bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0)
      throw new InputImageLoadError(`Input '${inputName}': image value is neither a URL nor valid base64`);
    keepBase64 = base64;
  }
  const parentOrigin = originOf(extras.parent_origin);
  const rootOrigin = originOf(extras.root_parent_origin);
  const image = await WorkflowImage.decode(
    bytes,
    {
      parentId: typeof extras.parent_id === 'string' ? extras.parent_id : parentId,
      parentOrigin,
      rootParentId: typeof extras.root_parent_id === 'string' ? extras.root_parent_id : undefined,
      rootOrigin,
      videoMetadata: extras.video_metadata as VideoMetadata | undefined,
    },
    {
      maxPixels: options.maxPixels,
      decodeHint: options.decodeHints?.[inputName],
      allowSvg: options.allowSvg,
      decodeTimeoutMs: options.decodeTimeoutMs,
      pixelBudget: options.pixelBudget,
      signal: options.signal,
      keepBase64,
    },
  );
  options.onDecoded?.(bytes.length);
  return image;
}
