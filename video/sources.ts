// What a `video_reference` names, checked before a pipeline starts: a local video file (inside the media
// folders, readable, a video ffprobe can read), a stream URL (allowed scheme and address), a V4L2 device (index
// or /dev/videoN that exists), or an image folder / glob (images decoded with sharp).
import fs from 'node:fs';
import path from 'node:path';
import { checkUrlAllowed, type NetworkPolicy } from '../engine/net/address-policy.ts';
import { VideoSourceError } from './errors.ts';
import { probeFile, type ProbeResult } from './ffmpeg.ts';

export type SourceKind = 'file' | 'stream' | 'device' | 'images';

export interface SourceSpec {
  kind: SourceKind;
  /** As given (credentials are removed only when reporting). */
  reference: string | number;
  /** ffmpeg input (file path, URL, /dev/videoN) — unused for images. */
  input: string;
  probe?: ProbeResult;
  /** Image files in order, for kind 'images'. */
  images?: string[];
}

export interface SourcePolicy {
  /** Folders local files and image folders must be inside (resolved, symlinks followed). */
  mediaDirs: string[];
  network: NetworkPolicy;
}

export const STREAM_SCHEMES = ['rtsp:', 'rtsps:', 'rtmp:', 'rtmps:', 'http:', 'https:', 'udp:', 'tcp:', 'srt:', 'rtp:'];
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif', '.avif']);

/** Source reference as shown in reports: credentials, query and fragment removed, host lower-cased. */
export function publicReference(reference: string | number): string | number {
  if (typeof reference === 'number') return reference;
  try {
    const url = new URL(reference);
    if (!STREAM_SCHEMES.includes(url.protocol)) return reference;
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname}`;
  } catch {
    return reference;
  }
}

function insideMediaDirs(file: string, policy: SourcePolicy, field: string): string {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    throw new VideoSourceError(`${field}: file '${file}' does not exist`, field);
  }
  const allowed = policy.mediaDirs.map((d) => {
    try {
      return fs.realpathSync(d);
    } catch {
      return path.resolve(d);
    }
  });
  const within = (dir: string) => real === dir || real.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  if (!allowed.some(within)) {
    throw new VideoSourceError(
      `${field}: '${file}' is outside the media folders this server may read (SIGHTLINE_MEDIA_DIRS)`,
      field,
    );
  }
  return real;
}

const hasGlob = (s: string) => /[*?[]/.test(s);

/** Image files of a folder or matching a glob (`*`, `?`, `[...]` in the last path segment), sorted by name. */
function listImages(reference: string, policy: SourcePolicy, field: string): string[] {
  let dir: string;
  let pattern: RegExp | null = null;
  if (hasGlob(reference)) {
    dir = path.dirname(reference);
    if (hasGlob(dir)) throw new VideoSourceError(`${field}: wildcards are only allowed in the file name`, field);
    // path.matchesGlob is still experimental in Node 20/22; the last segment needs only * ? and [..].
    const base = path
      .basename(reference)
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    pattern = new RegExp(`^${base}$`);
  } else dir = reference;
  const real = insideMediaDirs(dir, policy, field);
  const files = fs
    .readdirSync(real)
    .filter((name) => (pattern ? pattern.test(name) : IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase())))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => path.join(real, name))
    .filter((file) => fs.statSync(file).isFile());
  if (files.length === 0) throw new VideoSourceError(`${field}: no image files in '${reference}'`, field);
  return files;
}

/** Resolves and checks one reference. Throws VideoSourceError naming `field`. */
export async function resolveSource(
  reference: unknown,
  policy: SourcePolicy,
  field = 'video_configuration.video_reference',
): Promise<SourceSpec> {
  if (typeof reference === 'number') {
    if (!Number.isInteger(reference) || reference < 0)
      throw new VideoSourceError(`${field}: a camera index must be a non-negative integer`, field);
    return checkDevice(`/dev/video${reference}`, reference, field);
  }
  if (typeof reference !== 'string' || reference.trim() === '') {
    throw new VideoSourceError(`${field}: expected a file path, stream URL or camera index`, field);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference)) {
    const scheme = reference.slice(0, reference.indexOf(':') + 1).toLowerCase();
    if (scheme === 'file:') throw new VideoSourceError(`${field}: give a local path instead of a file:// URL`, field);
    try {
      await checkUrlAllowed(reference, policy.network, STREAM_SCHEMES);
    } catch (error) {
      throw new VideoSourceError(`${field}: refusing stream URL: ${(error as Error).message}`, field);
    }
    return { kind: 'stream', reference, input: reference };
  }
  if (/^\/dev\/video\d+$/.test(reference)) return checkDevice(reference, reference, field);
  let stat: fs.Stats | undefined;
  if (!hasGlob(reference)) {
    const real = insideMediaDirs(path.resolve(reference), policy, field);
    stat = fs.statSync(real);
    if (stat.isFile()) return probeVideo(reference, real, stat, field);
  }
  return { kind: 'images', reference, input: reference, images: listImages(path.resolve(reference), policy, field) };
}

async function probeVideo(reference: string, real: string, stat: fs.Stats, field: string): Promise<SourceSpec> {
  try {
    fs.accessSync(real, fs.constants.R_OK);
  } catch {
    throw new VideoSourceError(`${field}: file '${reference}' is not readable by the server`, field);
  }
  if (stat.size === 0) throw new VideoSourceError(`${field}: file '${reference}' is empty (0 bytes)`, field);
  if (IMAGE_EXTENSIONS.has(path.extname(real).toLowerCase())) {
    return { kind: 'images', reference, input: real, images: [real] };
  }
  let probe: ProbeResult;
  try {
    probe = await probeFile(real);
  } catch (error) {
    throw new VideoSourceError(
      `${field}: '${reference}' is not a readable video: ${(error as Error).message.slice(0, 200)}`,
      field,
    );
  }
  return { kind: 'file', reference, input: real, probe };
}

function checkDevice(device: string, reference: string | number, field: string): SourceSpec {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(device);
  } catch {
    throw new VideoSourceError(`${field}: camera ${JSON.stringify(reference)} not found (no ${device})`, field);
  }
  if (!stat.isCharacterDevice()) throw new VideoSourceError(`${field}: ${device} is not a video device`, field);
  return { kind: 'device', reference, input: device };
}

/** `video_reference` as a list of sources (a single reference or a list of them). */
export async function resolveSources(reference: unknown, policy: SourcePolicy): Promise<SourceSpec[]> {
  const field = 'video_configuration.video_reference';
  const list = Array.isArray(reference) ? reference : [reference];
  if (list.length === 0) throw new VideoSourceError(`${field}: the list of sources is empty`, field);
  return Promise.all(list.map((r, i) => resolveSource(r, policy, Array.isArray(reference) ? `${field}[${i}]` : field)));
}
