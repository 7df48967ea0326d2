// `sightline run`: one pipeline in this process over a video, stream, camera, image, folder or glob. Results go
// out as JSON Lines (one line per frame or image), optionally an annotated video encoded by ffmpeg from an image
// output and the image outputs as JPEG files. Ctrl-C stops cleanly: what was written stays valid.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { isWorkflowImage, type ExecutionEngine, type WorkflowImage } from '../engine/index.ts';
import { PipelineManager } from '../video/manager.ts';
import type { Pipeline, PipelineResult } from '../video/pipeline.ts';

export interface RunOptions {
  definition: Record<string, unknown>;
  sources: Array<string | number>;
  out?: string;
  outVideo?: string;
  /** Image output to encode (default: the first image output). */
  videoOutput?: string;
  outImages?: string;
  params: Record<string, unknown>;
  maxFps?: number;
  imageInput: string;
  progress: boolean;
}

export class CliError extends Error {}

/** A writer of raw RGB frames into a video file through ffmpeg (size and rate fixed by the first frame). */
class VideoWriter {
  #ffmpeg: ChildProcess | undefined;
  #size: string | undefined;
  #failed: string | undefined;
  #stderr = '';
  constructor(
    readonly file: string,
    readonly fps: number,
  ) {}

  async write(image: WorkflowImage): Promise<void> {
    if (this.#failed) return;
    const size = `${image.width}x${image.height}`;
    if (!this.#ffmpeg) {
      this.#size = size;
      this.#ffmpeg = spawn(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24'],
          ...['-s', size, '-r', String(this.fps), '-i', 'pipe:0'],
          ...['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-pix_fmt', 'yuv420p', this.file],
        ],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      this.#ffmpeg.stderr!.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-2000)));
      this.#ffmpeg.stdin!.on('error', (e) => (this.#failed = e.message));
    }
    // Frames of another size (a stream that changed resolution) are scaled to the first one by sharp.
    let pixels: Uint8Array = image.pixels;
    if (size !== this.#size) {
      const [w, h] = this.#size!.split('x').map(Number) as [number, number];
      pixels = await image.toSharp().resize(w, h, { fit: 'fill' }).raw().toBuffer();
    }
    const stdin = this.#ffmpeg.stdin!;
    if (!stdin.write(pixels)) await new Promise((r) => stdin.once('drain', r));
  }

  async close(): Promise<void> {
    if (!this.#ffmpeg) return;
    const exited = new Promise<number | null>((r) => this.#ffmpeg!.once('exit', r));
    this.#ffmpeg.stdin!.end();
    const code = await exited;
    if (code !== 0 || this.#failed) {
      throw new CliError(`could not write ${this.file}: ${this.#failed ?? this.#stderr.trim().split('\n').pop()}`);
    }
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return value;
}

export async function runCli(engine: ExecutionEngine, options: RunOptions): Promise<number> {
  // The user runs this on their own machine: any local path and any network address they name is theirs.
  const manager = new PipelineManager({
    engine,
    sourcePolicy: { mediaDirs: [path.parse(process.cwd()).root], network: { allowPrivateNetworks: true } },
  });
  const pipeline = await manager.initialise({
    definition: options.definition,
    videoReference: options.sources.length === 1 ? options.sources[0] : options.sources,
    settings: {
      imageInputName: options.imageInput,
      workflowsParameters: options.params,
      maxFps: options.maxFps ?? null,
      resultsBufferSize: 1,
    },
  });
  const out = options.out ? fs.createWriteStream(options.out) : process.stdout;
  if (options.outImages) fs.mkdirSync(options.outImages, { recursive: true });
  const source = pipeline.sources[0]!;
  const video = options.outVideo ? new VideoWriter(options.outVideo, source.declaredFps ?? 30) : undefined;
  const total = pipeline.sources.reduce((n, s) => n + (s.spec.probe?.totalFrames ?? s.spec.images?.length ?? 0), 0);
  const bar = options.progress ? progressBar(total) : undefined;
  let done = 0;
  let writeError: Error | undefined;
  // Awaited by the pipeline before its next frame: nothing piles up when writing is slower than inference.
  pipeline.resultSink = async (result) => {
    done += result.frames.filter(Boolean).length;
    bar?.update(done, { fps: pipeline.report().inference_throughput.toFixed(1) });
    try {
      await writeResult(pipeline, result, out, video, options);
    } catch (error) {
      writeError ??= error as Error;
      throw error;
    }
  };

  let interrupted = false;
  const stop = () => {
    interrupted = true;
    void pipeline.terminate();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!pipeline.finished) await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    bar?.stop();
    await manager.close();
    await video?.close();
    if (out !== process.stdout) await new Promise((r) => (out as fs.WriteStream).end(r));
  }
  if (writeError) throw new CliError(writeError.message);
  const report = pipeline.report();
  const failures = report.video_source_status_updates.filter((u) => u.event_type === 'INFERENCE_ERROR').length;
  if (pipeline.state === 'failed') throw new CliError(pipeline.lastError ?? 'the source could not be read');
  if (interrupted) {
    process.stderr.write(`stopped after ${done} frames\n`);
    return 130;
  }
  if (failures > 0) throw new CliError(`${failures} frame(s) failed; last error: ${pipeline.lastError}`);
  return 0;
}

function progressBar(total: number): cliProgress.SingleBar {
  const format =
    total > 0
      ? 'running |{bar}| {percentage}% | {value}/{total} frames | {fps} fps | ETA {eta_formatted}'
      : 'running | {value} frames | {fps} fps';
  const bar = new cliProgress.SingleBar(
    { format, stream: process.stderr, hideCursor: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { fps: '0.0' });
  return bar;
}

async function writeResult(
  pipeline: Pipeline,
  result: PipelineResult,
  out: NodeJS.WritableStream,
  video: VideoWriter | undefined,
  options: RunOptions,
): Promise<void> {
  for (let i = 0; i < result.outputs.length; i++) {
    const outputs = result.outputs[i];
    const frame = result.frames[i];
    if (!outputs || !frame) continue;
    const images = Object.entries(outputs).filter(([, v]) => isWorkflowImage(v)) as Array<[string, WorkflowImage]>;
    const plain = await pipeline.serializeOutputs(
      outputs,
      images.map(([name]) => name),
    );
    const imageInfo: Record<string, unknown> = {};
    for (const [name, image] of images) {
      const info: Record<string, unknown> = { type: 'image', width: image.width, height: image.height };
      if (options.outImages) {
        const file = path.join(options.outImages, `${i}_${String(frame.frame_id).padStart(6, '0')}_${name}.jpg`);
        await fs.promises.writeFile(file, await image.toJpeg(90));
        info.path = file;
      }
      imageInfo[name] = info;
    }
    const spec = pipeline.sources[i]!.spec;
    const line: Record<string, unknown> = { ...frame, outputs: { ...plain, ...imageInfo } };
    if (spec.images) line.file = spec.images[frame.frame_id - 1];
    if (!out.write(JSON.stringify(line, jsonReplacer) + '\n')) await new Promise((r) => out.once('drain', r));
    if (video && i === 0) {
      const chosen = options.videoOutput ? outputs[options.videoOutput] : images[0]?.[1];
      if (!isWorkflowImage(chosen)) {
        throw new CliError(
          options.videoOutput
            ? `--out-video: output '${options.videoOutput}' is not an image`
            : '--out-video: the workflow has no image output to encode',
        );
      }
      await video.write(chosen);
    }
  }
}
