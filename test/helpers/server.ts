// One real server per test file: ephemeral port, temp data dir, and (when ../shared exists) the shared
// yolov8n model installed as `coco/3` (what the `yolov8n-640` alias resolves to) in a temp model cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../server/app.ts';
import type { ServerConfig } from '../../server/config.ts';
import { hasShared, sharedModel } from './shared.ts';
import { installModelPackage } from '../../blocks/models/package.ts';

export type { RunningServer };

export interface TestServerOptions {
  /** Use this model cache instead of a fresh temp one (nothing is installed into it). */
  modelCacheDir?: string;
  /** Use this data dir instead of a fresh temp one (it is then not removed on close). */
  dataDir?: string;
  /** Extra environment variables read by loadConfig (merged over process.env). */
  env?: Record<string, string>;
  /** Config overrides applied after the environment. */
  config?: Partial<ServerConfig>;
}

export const TEST_MODEL_ID = 'coco/3';

export async function startTestServer(options: TestServerOptions = {}): Promise<RunningServer> {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-test-'));
  const dataDir = options.dataDir ?? path.join(tempRoot, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  let modelCacheDir = options.modelCacheDir;
  if (!modelCacheDir) {
    modelCacheDir = path.join(tempRoot, 'models');
    fs.mkdirSync(modelCacheDir, { recursive: true });
    if (hasShared) await installModelPackage(sharedModel('yolov8n_quantized.onnx'), TEST_MODEL_ID, modelCacheDir);
  }
  // Request logs off unless a test asks for them (LOG_LEVEL in options.env) or the developer sets LOG_LEVEL.
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'silent', ...process.env, ...options.env };
  const running = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      modelCacheDir,
      serveEditor: false,
      seedExamples: false,
      ...options.config,
    },
    env,
  );
  const close = running.close;
  return {
    ...running,
    close: async () => {
      await close();
      fs.rmSync(tempRoot, { recursive: true, force: true });
    },
  };
}
