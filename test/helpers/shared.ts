// Where the shared test assets live (../shared beside the checkout: models, photos, spec, conformance).
// They exist in CI and on developer machines, not in a user's fresh clone: tests that need them skip with
// this message instead of failing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = path.resolve(process.env.SIGHTLINE_SHARED_DIR ?? path.join(REPO_ROOT, '../shared'));
export const hasShared =
  fs.existsSync(path.join(SHARED_DIR, 'models')) && fs.existsSync(path.join(SHARED_DIR, 'images'));

/** Use as `{ skip: needsShared }` in test options. */
export const needsShared: string | false = hasShared
  ? false
  : `needs ../shared (models, images, conformance) which is absent at ${SHARED_DIR}`;

export const sharedImage = (name: string) => path.join(SHARED_DIR, 'images', name);
export const sharedModel = (name: string) => path.join(SHARED_DIR, 'models', name);
export const CONFORMANCE_DIR = path.join(SHARED_DIR, 'conformance');
