// Reads one guarded ffmpeg's frames on a worker thread, so a busy main thread (a workflow step computing in JS)
// never stops the pipe from being drained: ffmpeg keeps reading a live stream at its own pace instead of
// falling behind it. At most `inFlight` frames travel to the main thread unacknowledged; past that the worker
// keeps only the newest frame (drop strategies) or pauses the pipe (WAIT), so memory stays bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { PpmReader, spawnGuarded, type RawFrame } from './ffmpeg.ts';

export interface DecoderWorkerData {
  args: string[];
  /** true: hold the decoder back when the main thread is behind (WAIT); false: keep the newest frame. */
  wait: boolean;
  inFlight: number;
}

export type DecoderMessage =
  | { type: 'pid'; pid: number | undefined }
  | { type: 'frame'; pixels: Uint8Array; width: number; height: number }
  | { type: 'dropped'; count: number }
  | { type: 'exit'; code: number | null; signal: string | null; reason: string; parseError?: string };

const port = parentPort!;
const { args, wait, inFlight } = workerData as DecoderWorkerData;
const proc = spawnGuarded(args);
const stdout = proc.child.stdout!;
let unacked = 0;
let held: RawFrame[] = [];
let paused = false; // by the main thread (its buffer is full under WAIT)
let parseError: string | undefined;

void proc.ffmpegPid.then((pid) => port.postMessage({ type: 'pid', pid } satisfies DecoderMessage));

function send(frame: RawFrame): void {
  unacked++;
  port.postMessage({ type: 'frame', ...frame } satisfies DecoderMessage, [frame.pixels.buffer as ArrayBuffer]);
}

function flow(): void {
  while (held.length > 0 && unacked < inFlight && !paused) send(held.shift()!);
  if (held.length === 0 && !paused) stdout.resume();
}

const reader = new PpmReader((frame) => {
  if (unacked < inFlight && !paused && held.length === 0) return send(frame);
  if (wait) {
    held.push(frame);
    stdout.pause();
    return;
  }
  if (held.length > 0) port.postMessage({ type: 'dropped', count: held.length } satisfies DecoderMessage);
  held = [frame];
});

stdout.on('data', (chunk: Buffer) => {
  try {
    reader.push(chunk);
  } catch (error) {
    parseError = (error as Error).message;
    void proc.stop();
  }
});

port.on('message', (message: { type: 'ack' | 'pause' | 'resume' | 'stop' }) => {
  if (message.type === 'ack') unacked = Math.max(0, unacked - 1);
  else if (message.type === 'pause') {
    paused = true;
    stdout.pause();
  } else if (message.type === 'resume') paused = false;
  else if (message.type === 'stop') void proc.stop();
  flow();
});

void proc.exited.then(({ code, signal }) => {
  // Frames decoded before exit still count (the tail of a file): hand them over, then report the exit.
  const finish = () => {
    if (held.length > 0 && wait) return setTimeout(finish, 5);
    for (const f of held) send(f);
    held = [];
    port.postMessage({ type: 'exit', code, signal, reason: proc.stderrTail(), parseError } satisfies DecoderMessage);
    port.close();
  };
  stdout.once('end', finish);
  if (stdout.readableEnded) finish();
});
