// What /info reports besides Roboflow's {name, version, uuid}: the versions an operator needs in a bug report.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { EXECUTION_ENGINE_VERSION } from '../../engine/index.ts';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

export function componentVersions(serverVersion: string): Record<string, string | null> {
  return {
    sightline: serverVersion,
    execution_engine: EXECUTION_ENGINE_VERSION,
    node: process.versions.node,
    'onnxruntime-node': packageVersion('onnxruntime-node'),
    sharp: (sharp.versions as { sharp?: string }).sharp ?? null,
    libvips: (sharp.versions as { vips?: string }).vips ?? null,
    express: packageVersion('express'),
  };
}
