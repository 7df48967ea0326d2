// Model packages in Roboflow's cache layout: <cacheDir>/<model_id>/weights.onnx, environment.json,
// class_names.txt, keypoints_metadata.json. Packages without environment / class names (an Ultralytics ONNX
// imported as-is) are described from the ONNX file's own metadata.
import fs from 'node:fs';
import path from 'node:path';
import { ModelArtefactError, ModelNotFoundError } from '../../engine/index.ts';
import type { ModelTask } from './manager.ts';
import { parseIntList, parseUltralyticsNames, readOnnxMetadata, type OnnxMetadata } from './onnx-metadata.ts';
import { resolveModelId } from './aliases.ts';

export const WEIGHTS_FILE = 'weights.onnx';
export const ENVIRONMENT_FILE = 'environment.json';
export const CLASS_NAMES_FILE = 'class_names.txt';
export const KEYPOINTS_METADATA_FILE = 'keypoints_metadata.json';

/** Ultralytics `task` → Roboflow task type. */
export const ULTRALYTICS_TASKS: Readonly<Record<string, ModelTask>> = {
  detect: 'object-detection',
  segment: 'instance-segmentation',
  pose: 'keypoint-detection',
  classify: 'classification',
};

export const COCO_KEYPOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
];

/** Roboflow's keypoints_metadata.json entry. */
export interface KeypointsMetadataEntry {
  object_class_id: number;
  keypoints: Record<string, string>;
  edges?: Array<{ from: number; to: number }>;
}

export interface ModelPackage {
  modelId: string;
  dir: string;
  weightsPath: string;
  weightsBytes: number;
  /** Undefined when neither the package nor the ONNX metadata says; the manager then infers it from outputs. */
  task: ModelTask | undefined;
  classNames: string[];
  /** environment.json with PREPROCESSING parsed into an object (or one synthesized from ONNX metadata). */
  environment: Record<string, unknown>;
  inputWidth: number;
  inputHeight: number;
  /** Batch dimension of the graph input when static. */
  batchSize: number | null;
  keypointsMetadata: KeypointsMetadataEntry[] | undefined;
  /** Keypoint names of class 0 (or of the only class). */
  keypointNames: string[] | undefined;
}

export function modelPackageDir(cacheDir: string, modelId: string): string {
  return path.join(path.resolve(cacheDir), ...resolveModelId(modelId).split('/'));
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseJson(text: string, file: string, modelId: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelArtefactError(`Model ${modelId}: ${file} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Roboflow's preprocessing defaults for a package whose environment has none: no static crop, contrast or
 * grayscale, auto-orient on, and a stretch to the network's input size (read from the ONNX graph).
 */
export function defaultPreprocessing(onnx: OnnxMetadata): Record<string, unknown> {
  const { width, height } = inputSizeFromOnnx(onnx);
  return { 'auto-orient': { enabled: true }, resize: { enabled: true, width, height, format: 'Stretch to' } };
}

/** Roboflow stores PREPROCESSING either as a dict or as a JSON string (a missing one was filled by the caller). */
function normalizeEnvironment(env: Record<string, unknown>, modelId: string): Record<string, unknown> {
  const preprocessing = env.PREPROCESSING;
  if (preprocessing === undefined || preprocessing === null) {
    throw new ModelArtefactError(`Model ${modelId}: ${ENVIRONMENT_FILE} has no PREPROCESSING entry`);
  }
  if (typeof preprocessing === 'string') {
    return { ...env, PREPROCESSING: parseJson(preprocessing, `${ENVIRONMENT_FILE} PREPROCESSING`, modelId) };
  }
  return env;
}

function classMapNames(classMap: unknown): string[] | undefined {
  if (!classMap || typeof classMap !== 'object') return undefined;
  const entries = Object.entries(classMap as Record<string, unknown>)
    .map(([k, v]) => [Number(k), String(v)] as const)
    .filter(([k]) => Number.isInteger(k) && k >= 0);
  if (entries.length === 0) return undefined;
  const names: string[] = [];
  for (const [k, v] of entries) names[k] = v;
  for (let i = 0; i < names.length; i++) if (names[i] === undefined) names[i] = String(i);
  return names;
}

function taskFromEnvironment(env: Record<string, unknown>): ModelTask | undefined {
  const value = env.TASK_TYPE ?? env.TYPE ?? env.task_type;
  const known: ModelTask[] = [
    'object-detection',
    'instance-segmentation',
    'keypoint-detection',
    'classification',
    'multi-label-classification',
  ];
  if (typeof value === 'string' && (known as string[]).includes(value)) return value as ModelTask;
  if (env.MULTICLASS === true) return 'multi-label-classification';
  return undefined;
}

function resizeOf(env: Record<string, unknown>): { width?: number; height?: number } {
  const resize = (env.PREPROCESSING as Record<string, any> | undefined)?.resize;
  if (!resize || typeof resize !== 'object') return {};
  const width = Number(resize.width);
  const height = Number(resize.height);
  return { width: width > 0 ? width : undefined, height: height > 0 ? height : undefined };
}

/** Environment for a bare Ultralytics export: letterbox with grey (114) edges at the exported size. */
export function environmentFromOnnx(onnx: OnnxMetadata, classNames: string[]): Record<string, unknown> {
  const { width, height } = inputSizeFromOnnx(onnx);
  const env: Record<string, unknown> = {
    PREPROCESSING: { resize: { enabled: true, width, height, format: 'Fit (grey edges) in' } },
    CLASS_MAP: Object.fromEntries(classNames.map((name, i) => [String(i), name])),
  };
  const task = ULTRALYTICS_TASKS[onnx.metadata.task ?? ''];
  if (task) env.TASK_TYPE = task;
  if (task === 'classification') env.PREPROCESSING = { resize: { enabled: true, width, height, format: 'Stretch to' } };
  return env;
}

export function inputSizeFromOnnx(onnx: OnnxMetadata): { width: number; height: number } {
  const imgsz = parseIntList(onnx.metadata.imgsz);
  if (imgsz.length >= 2) return { height: imgsz[0]!, width: imgsz[1]! };
  if (imgsz.length === 1) return { height: imgsz[0]!, width: imgsz[0]! };
  const shape = onnx.inputs[0]?.shape ?? [];
  const h = shape[2];
  const w = shape[3];
  return { height: typeof h === 'number' && h > 0 ? h : 640, width: typeof w === 'number' && w > 0 ? w : 640 };
}

export function keypointsMetadataFromOnnx(onnx: OnnxMetadata): KeypointsMetadataEntry[] | undefined {
  const kpt = parseIntList(onnx.metadata.kpt_shape);
  if (kpt.length === 0) return undefined;
  const count = kpt[0]!;
  const names =
    count === COCO_KEYPOINT_NAMES.length ? COCO_KEYPOINT_NAMES : Array.from({ length: count }, (_, i) => String(i));
  return [{ object_class_id: 0, keypoints: Object.fromEntries(names.map((n, i) => [String(i), n])) }];
}

function keypointNamesOf(metadata: KeypointsMetadataEntry[] | undefined): string[] | undefined {
  if (!metadata || metadata.length === 0) return undefined;
  const entry = metadata.find((m) => m.object_class_id === 0) ?? metadata[0]!;
  const pairs = Object.entries(entry.keypoints ?? {}).map(([k, v]) => [Number(k), String(v)] as const);
  const names: string[] = [];
  for (const [k, v] of pairs) names[k] = v;
  return names;
}

/** Reads the package of an (already resolved) model id; ModelNotFoundError when there is no weights file. */
export async function readModelPackage(cacheDir: string, modelId: string): Promise<ModelPackage> {
  const dir = modelPackageDir(cacheDir, modelId);
  const weightsPath = path.join(dir, WEIGHTS_FILE);
  let weightsBytes: number;
  try {
    weightsBytes = (await fs.promises.stat(weightsPath)).size;
  } catch {
    throw new ModelNotFoundError(`Model "${modelId}" not found: no ${WEIGHTS_FILE} in ${dir}`, {
      model_id: modelId,
      directory: dir,
    });
  }
  const [envText, classText, kpText] = await Promise.all([
    readOptional(path.join(dir, ENVIRONMENT_FILE)),
    readOptional(path.join(dir, CLASS_NAMES_FILE)),
    readOptional(path.join(dir, KEYPOINTS_METADATA_FILE)),
  ]);
  // Only the metadata is needed, but it sits after the graph; read the file once (loading reads it anyway).
  let onnx: OnnxMetadata | undefined;
  const onnxMeta = async () => (onnx ??= readOnnxMetadata(await fs.promises.readFile(weightsPath)));

  let classNames = classText
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  let environment: Record<string, unknown>;
  if (envText !== undefined) {
    const parsed = parseJson(envText, ENVIRONMENT_FILE, modelId);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ModelArtefactError(`Model ${modelId}: ${ENVIRONMENT_FILE} must hold a JSON object`);
    }
    const env = parsed as Record<string, unknown>;
    // Packages without PREPROCESSING (hand-made, or cached before downloads filled it) get Roboflow's defaults.
    if (env.PREPROCESSING === undefined || env.PREPROCESSING === null)
      env.PREPROCESSING = defaultPreprocessing(await onnxMeta());
    environment = normalizeEnvironment(env, modelId);
    classNames ??= classMapNames(environment.CLASS_MAP);
  } else {
    const meta = await onnxMeta();
    classNames ??= parseUltralyticsNames(meta.metadata.names ?? '');
    environment = environmentFromOnnx(meta, classNames);
  }
  if (!classNames || classNames.length === 0) {
    const names = (await onnxMeta()).metadata.names;
    classNames = names ? parseUltralyticsNames(names) : [];
  }

  let task = taskFromEnvironment(environment);
  let { width, height } = resizeOf(environment);
  if (!task || !width || !height) {
    const meta = await onnxMeta();
    task ??= ULTRALYTICS_TASKS[meta.metadata.task ?? ''];
    const size = inputSizeFromOnnx(meta);
    width ??= size.width;
    height ??= size.height;
  }
  let keypointsMetadata =
    kpText !== undefined
      ? (parseJson(kpText, KEYPOINTS_METADATA_FILE, modelId) as KeypointsMetadataEntry[])
      : undefined;
  if (!keypointsMetadata && task === 'keypoint-detection')
    keypointsMetadata = keypointsMetadataFromOnnx(await onnxMeta());
  const batch = onnx?.inputs[0]?.shape[0];
  return {
    modelId,
    dir,
    weightsPath,
    weightsBytes,
    task,
    classNames,
    environment,
    inputWidth: width,
    inputHeight: height,
    batchSize: typeof batch === 'number' && batch > 0 ? batch : null,
    keypointsMetadata,
    keypointNames: keypointNamesOf(keypointsMetadata),
  };
}

// ---------- writing packages atomically ----------

/** A fresh staging folder inside cacheDir (same filesystem, so the final rename is atomic). */
export async function createStagingDir(cacheDir: string): Promise<string> {
  await fs.promises.mkdir(cacheDir, { recursive: true });
  return fs.promises.mkdtemp(path.join(path.resolve(cacheDir), '.staging-'));
}

export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.promises.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a complete staging folder to <cacheDir>/<model_id>, replacing any previous package. */
export async function publishStagingDir(stagingDir: string, cacheDir: string, modelId: string): Promise<string> {
  const finalDir = modelPackageDir(cacheDir, modelId);
  await fs.promises.mkdir(path.dirname(finalDir), { recursive: true });
  const staleDir = `${stagingDir}.old`;
  let replaced = false;
  try {
    await fs.promises.rename(stagingDir, finalDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    await fs.promises.rename(finalDir, staleDir);
    await fs.promises.rename(stagingDir, finalDir);
    replaced = true;
  }
  if (replaced) await fs.promises.rm(staleDir, { recursive: true, force: true });
  return finalDir;
}

export interface InstallExtras {
  classNames?: string[];
  environment?: Record<string, unknown>;
  keypointsMetadata?: KeypointsMetadataEntry[];
}

/**
 * Installs an ONNX file as <cacheDir>/<model_id>/ in Roboflow's layout. Environment and class names come from
 * `extra` or, when absent, from the ONNX metadata.
 */
export async function installModelPackage(
  onnxPath: string,
  modelId: string,
  cacheDir: string,
  extra: InstallExtras = {},
): Promise<string> {
  const id = resolveModelId(modelId);
  const weights = await fs.promises.readFile(onnxPath);
  const onnx = readOnnxMetadata(weights);
  const classNames = extra.classNames ?? parseUltralyticsNames(onnx.metadata.names ?? '');
  const environment = extra.environment ?? environmentFromOnnx(onnx, classNames);
  if (extra.classNames && !extra.environment) {
    environment.CLASS_MAP = Object.fromEntries(classNames.map((name, i) => [String(i), name]));
  }
  const keypointsMetadata = extra.keypointsMetadata ?? keypointsMetadataFromOnnx(onnx);
  const staging = await createStagingDir(cacheDir);
  try {
    await writeFileSynced(path.join(staging, WEIGHTS_FILE), weights);
    await writeFileSynced(path.join(staging, ENVIRONMENT_FILE), JSON.stringify(environment, null, 2));
    if (classNames.length > 0)
      await writeFileSynced(path.join(staging, CLASS_NAMES_FILE), classNames.join('\n') + '\n');
    if (keypointsMetadata)
      await writeFileSynced(path.join(staging, KEYPOINTS_METADATA_FILE), JSON.stringify(keypointsMetadata));
    return await publishStagingDir(staging, cacheDir, id);
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw error;
  }
}
