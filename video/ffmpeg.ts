// ffmpeg as a child process that can never outlive us, and the PPM frame reader for its output.
//
// ffmpeg runs under a tiny `sh` guard: the guard keeps our stdin pipe (fd 3) and blocks reading it; ffmpeg gets
// /dev/null as stdin. When this process dies — even by `kill -9` — the kernel closes the pipe's write end, the
// guard's `read` returns and it SIGKILLs ffmpeg. Closing the pipe ourselves is also how we stop a decoder. The
// guard prints ffmpeg's pid first on stderr so callers (and tests) can see the real process.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const FFMPEG = 'ffmpeg';
export const FFPROBE = 'ffprobe';

const GUARD = [
  'exec 3<&0',
  '"$0" "$@" </dev/null 3<&- & p=$!',
  'echo "sightline-ffmpeg-pid $p" >&2',
  '(read _ <&3; kill -KILL $p 2>/dev/null) & w=$!',
  'wait $p; s=$?',
  'kill $w 2>/dev/null',
  'exit $s',
].join('\n');

export interface GuardedProcess {
  child: ChildProcess;
  /** ffmpeg's own pid once the guard reported it. */
  ffmpegPid: Promise<number | undefined>;
  /** Last lines ffmpeg wrote to stderr (errors). */
  stderrTail(): string;
  /** Kill ffmpeg and its guard; resolves when the guard exited. */
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `ffmpeg args` under the guard; stdout is ffmpeg's stdout. */
export function spawnGuarded(args: string[], binary = FFMPEG): GuardedProcess {
  const child = spawn('sh', ['-c', GUARD, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let resolvePid!: (pid: number | undefined) => void;
  const ffmpegPid = new Promise<number | undefined>((r) => (resolvePid = r));
  let pidKnown: number | undefined;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
    const match = /sightline-ffmpeg-pid (\d+)/.exec(stderr);
    if (match && pidKnown === undefined) {
      pidKnown = Number(match[1]);
      resolvePid(pidKnown);
      stderr = stderr.replace(match[0], '');
    }
  });
  child.stdin!.on('error', () => {}); // EPIPE when the guard is gone already
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolvePid(pidKnown);
      resolve({ code, signal });
    });
    child.once('error', () => resolve({ code: -1, signal: null }));
  });
  let stopping: Promise<void> | undefined;
  return {
    child,
    ffmpegPid,
    exited,
    stderrTail: () =>
      stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(-3)
        .join(' | '),
    stop() {
      stopping ??= (async () => {
        child.stdin!.end();
        if (pidKnown !== undefined) killQuietly(pidKnown);
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether a pid is alive (tests and the watchdog). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** ffmpeg arguments that decode a source's first video stream into PPM frames on stdout. */
export function decoderArgs(
  spec: { kind: string; input: string },
  options: { properties?: Record<string, number> | null; stallTimeoutMs: number; resumeAtS: number },
): string[] {
  const args = ['-hide_banner', '-loglevel', 'error'];
  const props = Object.fromEntries(Object.entries(options.properties ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (spec.kind === 'device') {
    args.push('-f', 'v4l2');
    if (props.frame_width && props.frame_height) args.push('-video_size', `${props.frame_width}x${props.frame_height}`);
    if (props.fps) args.push('-framerate', String(props.fps));
  }
  if (spec.kind === 'stream') {
    args.push('-rw_timeout', String(Math.max(1, options.stallTimeoutMs) * 1000));
    // Start within about a second: ffmpeg's default probing waits for 5 MB or 5 s of a live stream.
    args.push('-analyzeduration', '1000000', '-probesize', '1000000');
    if (/^rtsps?:/i.test(spec.input)) args.push('-rtsp_transport', 'tcp');
  }
  if (options.resumeAtS > 0) args.push('-ss', options.resumeAtS.toFixed(6));
  args.push('-i', spec.input, '-map', '0:v:0', '-an', '-sn', '-f', 'image2pipe', '-c:v', 'ppm');
  args.push('-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}

export interface RawFrame {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Splits ffmpeg's `-f image2pipe -c:v ppm` output into frames. PPM carries its size in every frame, so a stream
 * that changes resolution after a reconnect needs nothing special. Frame bytes are copied once, into their own
 * buffer, from however many chunks they span.
 */
export class PpmReader {
  #header = Buffer.alloc(0);
  #frame: Uint8Array | undefined;
  #filled = 0;
  #width = 0;
  #height = 0;

  constructor(private readonly onFrame: (frame: RawFrame) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.#frame) {
        const needed = this.#parseHeader(chunk, offset);
        if (needed < 0) return; // header incomplete, kept
        offset = needed;
        continue;
      }
      const take = Math.min(chunk.length - offset, this.#frame.length - this.#filled);
      this.#frame.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#frame.length) {
        const frame = { pixels: this.#frame, width: this.#width, height: this.#height };
        this.#frame = undefined;
        this.onFrame(frame);
      }
    }
  }

  /** Returns the offset after the header within `chunk`, or -1 when more bytes are needed. */
  #parseHeader(chunk: Buffer, offset: number): number {
    const previous = this.#header.length;
    const joined = previous ? Buffer.concat([this.#header, chunk.subarray(offset, offset + 64)]) : chunk;
    const start = previous ? 0 : offset;
    const text = joined.toString('latin1', start, Math.min(joined.length, start + 64));
    const match = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text);
    if (!match) {
      if (text.length >= 64 || (text.length >= 2 && !text.startsWith('P6'))) {
        throw new Error(`unexpected bytes from ffmpeg (not a PPM frame): ${JSON.stringify(text.slice(0, 16))}`);
      }
      this.#header = Buffer.from(joined.subarray(start));
      return -1;
    }
    this.#width = Number(match[1]);
    this.#height = Number(match[2]);
    this.#frame = new Uint8Array(this.#width * this.#height * 3);
    this.#filled = 0;
    this.#header = Buffer.alloc(0);
    // Header bytes that came from this chunk (the rest were kept from earlier chunks).
    return offset + match[0].length - previous;
  }
}

export interface ProbeResult {
  width: number;
  height: number;
  fps: number | null;
  /** Frame count from the container, else duration × fps rounded; 0 when unknown. */
  totalFrames: number;
  durationS: number | null;
}

function rate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const [n, d] = value.split('/').map(Number);
  const r = d ? n! / d : n!;
  return Number.isFinite(r) && r > 0 ? r : null;
}

/** ffprobe a local file; throws Error with ffprobe's reason when it has no decodable video stream. */
export async function probeFile(file: string, timeoutMs = 15_000): Promise<ProbeResult> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      FFPROBE,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:format=duration',
        '-of',
        'json',
        file,
      ],
      { timeout: timeoutMs, maxBuffer: 1 << 20 },
    ));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('ffprobe was not found on PATH: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg)');
    }
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new Error(stderr.split('\n').pop()?.replace(`${file}: `, '') || 'ffprobe failed');
  }
  const parsed = JSON.parse(stdout) as {
    streams?: Array<Record<string, unknown>>;
    format?: Record<string, unknown>;
  };
  const stream = parsed.streams?.[0];
  if (!stream || !Number(stream.width) || !Number(stream.height)) throw new Error('no video stream in the file');
  const fps = rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate);
  const durationS = Number(stream.duration ?? parsed.format?.duration) || null;
  const counted = Number(stream.nb_frames);
  const totalFrames =
    Number.isFinite(counted) && counted > 0 ? counted : durationS && fps ? Math.round(durationS * fps) : 0;
  return { width: Number(stream.width), height: Number(stream.height), fps, totalFrames, durationS };
}

/** Whether ffmpeg is on PATH (the CLI and the server say so clearly when it is not). */
export async function ffmpegAvailable(): Promise<boolean> {
  try {
    await execFileAsync(FFMPEG, ['-version'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
