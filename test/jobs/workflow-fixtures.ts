// Model-free workflows and generated images for the jobs tests (they run without ../shared).
import sharp from 'sharp';

/** Grayscale then blur: image output (written to a file) plus a parameter echoed back. */
export const BLUR_WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowParameter', name: 'label', default_value: 'none' },
  ],
  steps: [
    { type: 'roboflow_core/convert_grayscale@v1', name: 'gray', image: '$inputs.image' },
    { type: 'roboflow_core/image_blur@v1', name: 'blur', image: '$steps.gray.image', kernel_size: 15 },
  ],
  outputs: [
    { type: 'JsonField', name: 'blurred', selector: '$steps.blur.image' },
    { type: 'JsonField', name: 'label', selector: '$inputs.label' },
  ],
};

/** A distinct solid-colour PNG per index, so results can be matched to inputs. */
export async function colourPng(index: number, size = 64): Promise<Buffer> {
  return sharp({
    create: { width: size, height: size, channels: 3, background: { r: (index * 37) % 256, g: 80, b: 160 } },
  })
    .png()
    .toBuffer();
}

export async function imageInputs(count: number, size = 64): Promise<Array<Record<string, unknown>>> {
  const inputs = [];
  for (let i = 0; i < count; i++) {
    inputs.push({ image: { type: 'base64', value: (await colourPng(i, size)).toString('base64') }, label: `img-${i}` });
  }
  return inputs;
}

export async function waitForJob(
  url: string,
  jobId: string,
  until: (status: Record<string, any>) => boolean = (s) => s.status === 'completed' || s.status === 'cancelled',
  timeoutMs = 60_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${url}/jobs/${jobId}`)).json()) as Record<string, any>;
    if (until(status)) return status;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${JSON.stringify(status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function resultLines(url: string, jobId: string, query = ''): Promise<Array<Record<string, any>>> {
  const response = await fetch(`${url}/jobs/${jobId}/results${query}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}
