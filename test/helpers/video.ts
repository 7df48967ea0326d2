// Test videos and live streams made with ffmpeg (nothing committed that a test can generate).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Counts the red square's pixels in each frame of movingBoxVideo (no model needed); `frame` also returns the frame
 * itself as an image output.
 */
export function redPixelsWorkflow({ frame = true } = {}) {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowVideoMetadata', name: 'video_metadata' },
    ],
    steps: [
      {
        type: 'roboflow_core/pixel_color_count@v1',
        name: 'red',
        image: '$inputs.image',
        target_color: [255, 0, 0],
        tolerance: 60,
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'red_pixels', selector: '$steps.red.matching_pixels_count' },
      ...(frame ? [{ type: 'JsonField', name: 'frame', selector: '$inputs.image' }] : []),
    ],
  };
}

/**
 * Detect → ByteTrack → (optional vertical line counter at x = lineX) → bounding boxes + traces: the video workflow
 * the tracking test and the pipeline bench run.
 */
export function detectTrackDrawWorkflow(
  modelId: string,
  { classFilter, lineX }: { classFilter?: string[]; lineX?: number } = {},
) {
  const counter =
    lineX === undefined
      ? []
      : [
          {
            type: 'roboflow_core/line_counter@v2',
            name: 'counter',
            image: '$inputs.image',
            detections: '$steps.tracker.tracked_detections',
            line_segment: [
              [lineX, 0],
              [lineX, 480],
            ],
          },
        ];
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [
      {
        type: 'roboflow_core/roboflow_object_detection_model@v2',
        name: 'det',
        images: '$inputs.image',
        model_id: modelId,
        ...(classFilter ? { class_filter: classFilter } : {}),
      },
      {
        type: 'roboflow_core/trackers_bytetrack@v1',
        name: 'tracker',
        image: '$inputs.image',
        detections: '$steps.det.predictions',
      },
      ...counter,
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'boxes',
        image: '$inputs.image',
        predictions: '$steps.tracker.tracked_detections',
      },
      {
        type: 'roboflow_core/trace_visualization@v1',
        name: 'trace',
        image: '$steps.boxes.image',
        predictions: '$steps.tracker.tracked_detections',
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'tracked', selector: '$steps.tracker.tracked_detections' },
      ...(lineX === undefined
        ? []
        : [
            { type: 'JsonField', name: 'count_in', selector: '$steps.counter.count_in' },
            { type: 'JsonField', name: 'count_out', selector: '$steps.counter.count_out' },
          ]),
      { type: 'JsonField', name: 'annotated', selector: '$steps.trace.image' },
    ],
  };
}

export function tempDir(prefix = 'sightline-video-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
}

/** A red square moving left to right over grey: `seconds` × `fps` frames of width × height. */
export function movingBoxVideo(
  file: string,
  { seconds = 2, fps = 10, width = 320, height = 240, speed = 100 } = {},
): string {
  const graph =
    `color=c=gray:s=${width}x${height}:d=${seconds}:r=${fps}[bg];color=c=red:s=40x40:r=${fps}[fg];` +
    `[bg][fg]overlay=x='20+t*${speed}':y=${Math.round(height / 2 - 20)}:shortest=1`;
  ffmpeg(['-f', 'lavfi', '-i', graph, '-pix_fmt', 'yuv420p', file]);
  return file;
}

/** A slow horizontal pan across a photo scaled to `panWidth` (a camera sweeping a street scene). */
export function panVideo(
  photo: string,
  file: string,
  { seconds = 3, fps = 10, width = 640, height = 480, panWidth = 1280 } = {},
): string {
  const crop = `crop=${width}:${height}:x='(iw-${width})*t/${seconds}':y='(ih-${height})/2'`;
  ffmpeg([
    ...['-loop', '1', '-framerate', String(fps), '-t', String(seconds), '-i', photo],
    ...['-vf', `scale=${panWidth}:-2,${crop}`, '-pix_fmt', 'yuv420p', file],
  ]);
  return file;
}

export function probeFrames(file: string): { frames: number; width: number; height: number } {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames,width,height',
    '-of',
    'json',
    file,
  ]).toString();
  const s = (JSON.parse(out) as { streams: Array<Record<string, string | number>> }).streams[0]!;
  return { frames: Number(s.nb_read_frames), width: Number(s.width), height: Number(s.height) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/**
 * ffmpeg serving an endless moving-box MPEG-TS stream over TCP at real-time pace (`tcp://127.0.0.1:port`,
 * ffmpeg listening; one client at a time). stop() kills it.
 */
export function serveLiveStream(port: number, { fps = 25, width = 320, height = 240 } = {}): ChildProcess {
  const graph =
    `color=c=gray:s=${width}x${height}:r=${fps}[bg];color=c=red:s=40x40:r=${fps}[fg];` +
    `[bg][fg]overlay=x='mod(t*80\\,${width - 40})':y=${Math.round(height / 2 - 20)}`;
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      graph,
      '-c:v',
      'mpeg2video',
      '-q:v',
      '5',
      '-g',
      String(fps),
      '-f',
      'mpegts',
      `tcp://127.0.0.1:${port}?listen=1`,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns a truthy value or `ms` pass (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, ms = 10_000, every = 50): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
