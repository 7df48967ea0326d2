// Reads guarded ffmpeg runs' frames on a worker thread, so a busy main thread (a workflow step computing in JS)
// never stops the pipe from being drained: ffmpeg keeps reading a live stream at its own pace instead of
// falling behind it. At most `inFlight` frames travel to the main thread unacknowledged; past that the worker
// keeps only the newest frame (drop strategies) or pauses the pipe (WAIT), so memory stays bounded.
// One worker serves a source for its whole life: each connection attempt is a `spawn` message (starting a
// thread costs seconds on a loaded machine; a reconnect should not).
import { parentPort, workerData } from 'node:worker_threads';
import { FFMPEG, PpmReader, spawnGuarded, type GuardedProcess, type RawFrame } from './ffmpeg.ts';

export interface DecoderWorkerData {
  /** true: hold the decoder back when the main thread is behind (WAIT); false: keep the newest frame. */
  wait: boolean;
  inFlight: number;
}

export type DecoderCommand =
  { type: 'spawn'; args: string[]; background?: boolean } | { type: 'ack' | 'pause' | 'resume' | 'stop' };

export type DecoderMessage =
  | { type: 'ready' }
  | { type: 'pid'; pid: number | undefined }
  | { type: 'frame'; pixels: Uint8Array; width: number; height: number }
  | { type: 'dropped'; count: number }
  | { type: 'exit'; code: number | null; signal: string | null; reason: string; parseError?: string };

const port = parentPort!;
const { wait, inFlight } = workerData as DecoderWorkerData;

let proc: GuardedProcess | undefined;
let unacked = 0;
let held: RawFrame[] = [];
let paused = false; // by the main thread (its buffer is full under WAIT)

function send(frame: RawFrame): void {
  unacked++;
  port.postMessage({ type: 'frame', ...frame } satisfies DecoderMessage, [frame.pixels.buffer as ArrayBuffer]);
}

function flow(): void {
  while (held.length > 0 && unacked < inFlight && !paused) send(held.shift()!);
  if (held.length === 0 && !paused) proc?.child.stdout?.resume();
}

/** `background`: run ffmpeg at a lower CPU priority (files: decoding runs ahead and must not slow inference). */
function spawnRun(args: string[], background = false): void {
  unacked = 0;
  held = [];
  paused = false;
  let parseError: string | undefined;
  const run = background ? spawnGuarded(['-n', '10', FFMPEG, ...args], 'nice') : spawnGuarded(args);
  proc = run;
  const stdout = run.child.stdout!;
  void run.ffmpegPid.then((pid) => port.postMessage({ type: 'pid', pid } satisfies DecoderMessage));
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
      void run.stop();
    }
  });
  void run.exited.then(({ code, signal }) => {
    // Frames decoded before the exit still count (the tail of a file): hand them over, then report the exit.
    const finish = () => {
      if (proc !== run) return;
      if (held.length > 0 && wait && !stopping) return void setTimeout(finish, 5);
      if (!stopping) for (const f of held) send(f);
      held = [];
      proc = undefined;
      stopping = false;
      port.postMessage({ type: 'exit', code, signal, reason: run.stderrTail(), parseError } satisfies DecoderMessage);
    };
    if (stdout.readableEnded) finish();
    else stdout.once('end', finish).once('close', finish);
  });
}

let stopping = false;

port.on('message', (message: DecoderCommand) => {
  if (message.type === 'spawn') return spawnRun(message.args, message.background);
  if (message.type === 'ack') unacked = Math.max(0, unacked - 1);
  else if (message.type === 'pause') {
    paused = true;
    proc?.child.stdout?.pause();
  } else if (message.type === 'resume') paused = false;
  else if (message.type === 'stop' && proc) {
    stopping = true;
    held = [];
    proc.child.stdout?.resume(); // let 'end' come
    void proc.stop();
  }
  flow();
});

port.postMessage({ type: 'ready' } satisfies DecoderMessage);
